"""Entry-point code of scripts/parallel and scripts/bench (imports support/, never pressluft_reference)."""

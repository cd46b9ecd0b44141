"""Embedded reference control plane for the Pressluft Wave 5 API contract."""

VERSION = "0.1.0"

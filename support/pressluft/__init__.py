"""What Pressluft's answers mean, as the contract says (contract digest; the schemas of contract/): the job model
(`jobs`: states, why a job ended, retries Pressluft scheduled, durations seen), node readiness (`readiness`: reason
codes, guidance, the refusal's words), times as Pressluft writes them (`times`), and the contract schemas every
answer is checked against (`schemas`, tolerant of the real implementation's quirks).

May import: support.verdicts (the layer below), and the project's contract/ package.
"""

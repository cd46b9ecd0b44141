"""What Pressluft's answers mean, as the contract says (contract digest; the schemas of contract/): the job model
(`jobs`: states, why a job ended, retries Pressluft scheduled, durations seen), node readiness (`readiness`: reason
codes, guidance, the refusal's words), times as Pressluft writes them and the order of creation (`times`), the
contract schemas every answer is checked against (`schemas`, tolerant of the real implementation's quirks, with
RFC 3339 date-times and uuids checked), and what a record of each kind must hold by itself and by the contract
(`records`: the rules the matchers apply wherever they judge one).

May import: support.verdicts (the layer it stands on; http is its sibling), and the project's contract/ package.
"""

"""What Pressluft's answers mean, as the contract says (contract digest; the schemas of contract/): the job model
(`jobs`: states, why a job ended, retries Pressluft scheduled, durations seen), node readiness (`readiness`: reason
codes, guidance, the refusal's words), times as Pressluft writes them and the order of creation (`times`), the
contract schemas every answer is checked against (`schemas`, tolerant of the real implementation's quirks, with
RFC 3339 date-times and uuids checked), what a record of each kind must hold by itself and by the contract
(`records`: the rules the matchers apply wherever they judge one), finding a record in a listing (`listings`: by id,
by slug, a site's production, the provider nodes, the jobs of a site, environment or node), and the records the suite
keeps of what it made: a live site with what its creation recorded (`sites`: `LiveSite`), the run's node as it was
secured (`nodes`: `Acquisition`).

May import: support.verdicts (the layer it stands on; http is its sibling), and the project's contract/ package.
"""

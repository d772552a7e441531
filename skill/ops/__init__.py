"""`python -m skill.ops`: operating the live skill with Amazon's own SMAPI clients.

- `history`: Alexa's record of what people said (the Intent Request History API), as an
  NLU-evaluation CSV and a report, with the simulator's agreement with Alexa.
- `profile`: a held-out set through Alexa's utterance profiler and through the simulator.

Modules: `settings` (credentials and endpoints, read once), `client` (the SMAPI client, retries
and plain-language errors), `history`, `profile`, `csvout` (the CSV), `cli`. See docs/operating.md.
"""

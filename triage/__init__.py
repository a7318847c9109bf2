"""inbox-triage core library: taxonomy, PHI, templates, routing policy, queue.

Nothing here imports Rasa; `bot/` and `actions/` adapt this library to Rasa.
"""

__version__ = "0.1.0"

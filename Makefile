.PHONY: run test train check bench bench-webhook bench-thread bench-phi compare eval phi-eval corpus
run:      ## set up and run the service (SQLite)
	scripts/run
test:     ## set up and run the whole test suite
	scripts/test
train:    ## train the shipped model into models/
	scripts/bootstrap.sh && scripts/train
check:    ## check the approved templates against the domain
	scripts/bootstrap.sh && .venv/bin/python -m triage check-templates
bench:    ## stock Rasa beside our turn, batch triage, encoder, long thread, webhook burst; RSS, start-up
	scripts/bootstrap.sh && .venv/bin/python -m bench.run
bench-webhook: ## Meta webhook acks under a burst of signed deliveries, and the backlog draining
	scripts/bootstrap.sh && .venv/bin/python -m bench.webhook_burst
bench-thread: ## turn 1 against turn 400 of one thread, stock tracker store beside ours
	scripts/bootstrap.sh && .venv/bin/python -m bench.long_thread
bench-phi: ## what each PHI detector costs on a 300-character message, beside the 1 ms budget
	scripts/bootstrap.sh && .venv/bin/python -m bench.phi
phi-eval: ## PHI detection on the red-team set (tests/phi): recall per type, false alarms, floors
	scripts/bootstrap.sh && .venv/bin/python -m triage phi-eval
compare:  ## train the candidate pipelines on the same data; dev-set and held-out figures
	scripts/bootstrap.sh && .venv/bin/python -m bench.compare_classifiers
eval:     ## dev-set (per category and register) and held-out figures of the newest model
	scripts/bootstrap.sh && .venv/bin/python -m bench.heldout
corpus:   ## corpus counts, lengths and near-duplicates (data card: data/nlu/README.md)
	scripts/bootstrap.sh && .venv/bin/python -m triage corpus

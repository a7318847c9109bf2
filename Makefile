.PHONY: run test train check bench compare
run:      ## set up and run the service (SQLite)
	scripts/run
test:     ## set up and run the whole test suite
	scripts/test
train:    ## train the shipped model into models/
	scripts/bootstrap.sh && scripts/train
check:    ## check the approved templates against the domain
	scripts/bootstrap.sh && .venv/bin/python -m triage check-templates
bench:    ## parse latency and turn throughput, side by side with the baseline
	scripts/bootstrap.sh && .venv/bin/python -m bench.run
compare:  ## train LR, DIET and LR+MiniLM on the same data; held-out figures
	scripts/bootstrap.sh && .venv/bin/python -m bench.compare_classifiers

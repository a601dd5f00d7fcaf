# Pinned sqlc: `go run` builds it once (a few minutes) and caches it.
SQLC := go run github.com/sqlc-dev/sqlc/cmd/sqlc@v1.31.1
# Pinned templ, the same version as the runtime in go.mod.
TEMPL := go run github.com/a-h/templ/cmd/templ@v0.3.1100

.PHONY: help run test test-fleet bench loadtest generate sqlc-diff templ-diff check static screens

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: ## run the app on embedded defaults (http://quadball-canada.localhost:8080)
	go run ./app

test: ## run the whole test suite (race detector on)
	go test -race -count=1 -timeout 14m ./...

test-fleet: ## the replication test at the issue's scale: 500 orgs written round-robin, 32 open
	SPORTSAPP_FLEET_ORGS=500 SPORTSAPP_FLEET_OPEN=32 go test -count=1 -run TestFleetWritesReachTheReplicaWithASmallPool -v ./app/

bench: ## print the benchmark figures (cold open, warm request, migrate)
	go test -run '^$$' -bench . -benchmem ./...

loadtest: ## short load test (200 orgs, 2 runs of 3 s): one table of ratios to a bare Fiber server
	go run ./app loadtest -orgs 200 -duration 3s -runs 2 -idle 5s -reuse

generate: ## regenerate app/db/* from queries/ and schema/, and app/web/*_templ.go from app/web/*.templ
	$(SQLC) generate
	$(TEMPL) generate -path app/web

templ-diff: ## fail if a *_templ.go is out of date (generated afresh in a scratch directory and compared)
	@tmp=$$(mktemp -d) && cp app/web/*.templ $$tmp/ && $(TEMPL) generate -path $$tmp >/dev/null 2>&1 && \
	for f in app/web/*.templ; do g=$$(basename $$f .templ)_templ.go; \
	  cmp -s $$tmp/$$g app/web/$$g || { echo "app/web/$$g is out of date: run make generate"; rm -rf $$tmp; exit 1; }; done; \
	for g in app/web/*_templ.go; do test -f app/web/$$(basename $$g _templ.go).templ || { echo "$$g has no .templ"; rm -rf $$tmp; exit 1; }; done; \
	rm -rf $$tmp

sqlc-diff: ## fail if the generated code is out of date
	$(SQLC) diff

check: ## gofmt, go vet, sqlc diff and templ diff, as CI runs them
	@test -z "$$(gofmt -l app schema static views)" || (gofmt -l app schema static views; exit 1)
	go vet ./...
	$(SQLC) diff
	@$(MAKE) --no-print-directory templ-diff

static: ## copy the pinned front-end files from npm into static/
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js static/htmx.min.js
	cp node_modules/@picocss/pico/css/pico.min.css static/pico.min.css

screens: ## screenshots of the main pages with demo data, 1280x900 and 390x844, into docs/screens/ (Chromium)
	SPORTSAPP_SCREENS=$(CURDIR)/docs/screens go test -count=1 -run '^TestScreens$$' ./app/web/

# The two commands of README.md: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Development mode for the embedded default; production sets its own environment.
DEV_ENV := DEBUG=1

.PHONY: run test install messages bench clean

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# One pytest worker per core (at most 4), each with its own test database. `--dist load` hands
# tests out in collection order, which pytest-django sorts so that the transactional tests
# (the browser journeys, which flush their database) come after the others in every worker.
test: install
	$(DEV_ENV) $(BIN)/python -m pytest -n auto --maxprocesses 4 --dist load $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Regenerate the translation catalogues (needs GNU gettext) after changing strings; the
# compiled .mo files are committed so that `make run` needs no gettext. Each app with its own
# `locale/` (audit/ and every casework/<app>/ that has one) keeps its strings there; the
# project catalogue in locale/ holds the rest.
APP_LOCALE_DIRS := audit $(patsubst %/locale,%,$(wildcard casework/*/locale))
messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages --all --no-location --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='bench/*' $(foreach dir,$(APP_LOCALE_DIRS),--ignore='$(dir)/*')
	for dir in $(APP_LOCALE_DIRS); do \
		(cd $$dir && DJANGO_SETTINGS_MODULE=casework.settings $(DEV_ENV) PYTHONPATH=$(CURDIR) $(CURDIR)/$(BIN)/django-admin makemessages --all --no-location) || exit 1; \
	done
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore='.venv/*'

# Needs PostgreSQL: make bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
bench: install
	$(DEV_ENV) $(BIN)/python -m bench

clean:
	rm -rf $(VENV) var

"""Settings for pytest: config.settings with a fixed test-only secret key (DEBUG stays off, as in production).
The key is put in the environment so that processes the tests start (bench, a Celery worker) inherit it."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")

from config.settings import *  # noqa: E402, F403

DEMO_LOGINS_ALLOWED = True  # load_demo is tested; outside tests only DEBUG (`make run`) allows the public demo password

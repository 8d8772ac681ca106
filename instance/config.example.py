# Copy to instance/config.py and edit. Every setting, its default and its meaning are in
# the README's Configuration table; anything left out here keeps its default.
# Environment variables FLASK_<NAME> override this file (e.g. FLASK_PUBLIC_URL).

# At least 32 characters: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'
# SECRET_KEY = "..."  # default: generated once into instance/secret_key
# PUBLIC_URL = "https://petitions.example.org"
# DATABASE = "/var/lib/petition-widget/widget.db"
# SQLITE_SYNCHRONOUS = "NORMAL"  # "FULL" also survives power loss, at some cost in writes/s
# RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"  # needed with several workers or hosts
# TRUSTED_PROXIES = 1  # behind one reverse proxy (nginx, Caddy) that sets X-Forwarded-For

#!/usr/bin/env bash
# Install the Debian packages the service and the tests need when they are missing: Pango and
# fonts for WeasyPrint's PDF packets, Chromium and Firefox ESR for browser tests, Node.js and npm
# to drive Firefox, Redis for shared rate limits, sqlite3 for the docs' examples, poppler-utils
# (pdftotext, pdftoppm) to read packets back in tests, wrk for the benchmark, DejaVu fonts for
# the preview cards, WordPress with PHP and MariaDB for the plugin's tests.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v wrk >/dev/null || missing+=(wrk)
[ -f /usr/share/wordpress/wp-settings.php ] || missing+=(wordpress)
[ -d /usr/share/wordpress/wp-content/themes/twentytwentythree ] || missing+=(wordpress-theme-twentytwentythree)
command -v php >/dev/null || missing+=(php-cli)
php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' 2>/dev/null || missing+=(php-mysql)
[ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
# The preview cards are drawn in DejaVu Sans (widget/sharing/cards.py), the packets too.
command -v pdftotext >/dev/null || missing+=(poppler-utils)
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core; do
    dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "ok installed" || missing+=("$lib")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing ${missing[*]} with apt-get"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
    --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null

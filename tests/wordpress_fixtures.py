"""WordPress fixtures: Debian's WordPress on a private MariaDB, served by `php -S` on 127.0.0.3."""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

WORDPRESS = Path("/usr/share/wordpress")
THEME = WORDPRESS / "wp-content" / "themes" / "twentytwentythree"
DEBIAN_CONFIGS = Path("/etc/wordpress")
WP_HOST = "127.0.0.3"  # another origin than the service (127.0.0.1) and partner site (.2)
HERE = Path(__file__).resolve().parent / "wordpress"
START_TIMEOUT = 30


def wait_for(condition, what, timeout=START_TIMEOUT, process=None):
    """Poll condition until it holds; fail naming what did not come up."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not come up within {timeout} s")
        time.sleep(0.05)


def free_port(host):
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def answers(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def start_mariadb(folder):
    """Start a private mariadbd on a unix socket in folder; return (process, socket path)."""
    data, sock = folder / "data", folder / "mysqld.sock"
    subprocess.run(
        ["mariadb-install-db", "--no-defaults", f"--datadir={data}", "--user=root"]
        + ["--auth-root-authentication-method=normal", "--skip-test-db"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = subprocess.Popen(
        ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={data}", f"--socket={sock}"]
        + ["--skip-networking", "--user=root", f"--pid-file={folder / 'mysqld.pid'}"]
        + [f"--log-error={folder / 'mysqld.err'}", "--innodb-buffer-pool-size=32M"],
    )
    try:
        wait_for(sock.exists, "mariadbd", process=server)
        subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-e", "CREATE DATABASE wp"],
            check=True,
            timeout=30,
        )
    except BaseException:
        stop(server, server.send_signal)
        raise
    return server, sock


def debian_config(name, url, sock, content):
    """Write /etc/wordpress/config-NAME.php, the file Debian's wp-config.php reads."""
    salts = "".join(
        f"define('{key}', '{secrets.token_hex(32)}');\n"
        for key in ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY")
        + ("AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
    )
    path = DEBIAN_CONFIGS / f"config-{name}.php"
    path.write_text(
        f"""<?php
// Written by tests/wordpress_fixtures.py for one test session; removed after it.
define('DB_NAME', 'wp');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:{sock}');
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('WP_CONTENT_DIR', '{content}');
define('WP_CONTENT_URL', '{url}/wp-content');
define('WP_ENVIRONMENT_TYPE', 'local'); // application passwords over http
define('WP_HTTP_BLOCK_EXTERNAL', true); // loopback only: the site and the service
define('WP_ACCESSIBLE_HOSTS', '127.0.0.1');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
{salts}"""
    )
    return path


def install_plugin(content, folder):
    """Install the plugin from the zip `make wordpress-plugin` builds, as an admin uploads it."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from build_wordpress_plugin import build
    finally:
        sys.path.pop(0)
    archive = folder / "petition-widget.zip"
    build(archive)
    with zipfile.ZipFile(archive) as plugin:
        plugin.extractall(content / "plugins")


def stop(process, send):
    """Stop a server with SIGTERM (send(signal) reaches it and its children), then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):  # gone already
        send(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait(timeout=5)


@dataclass
class WordPress:
    """A running WordPress: its URL, environment for wp.php, and the Author's REST login."""

    url: str
    env: dict
    author: tuple = ()
    admin_password: str = ""

    def run(self, action, **args):
        """Run tests/wordpress/wp.php ACTION on this site; return its JSON answer."""
        result = subprocess.run(
            ["php", str(HERE / "wp.php"), action],
            input=json.dumps(args),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0 and result.stdout.startswith("{"), (
            f"wp.php {action}: {result.returncode}\n{result.stderr}{result.stdout}"
        )
        return json.loads(result.stdout)


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory):
    """Return Debian's WordPress, installed with the plugin and an Author, on 127.0.0.3."""
    if not os.access(DEBIAN_CONFIGS, os.W_OK):
        pytest.skip(f"{DEBIAN_CONFIGS} is not writable: WordPress tests need root")
    folder = tmp_path_factory.mktemp("wordpress")
    content = folder / "wp-content"
    for name in ("plugins", "themes", "uploads"):
        (content / name).mkdir(parents=True)
    (content / "themes" / THEME.name).symlink_to(THEME)
    (content / "mu-plugins").symlink_to(HERE / "mu-plugins")
    install_plugin(content, folder)
    mariadb, sock = start_mariadb(folder)
    port = free_port(WP_HOST)
    url = f"http://{WP_HOST}:{port}"
    name = f"petition-widget-test-{os.getpid()}-{secrets.token_hex(4)}"
    config = debian_config(name, url, sock, content)
    env = {
        **os.environ,
        "PW_WORDPRESS_CONFIG": name,
        "PW_WP_CONTENT": str(content),
        "PW_WP_HOST": f"{WP_HOST}:{port}",
        "PHP_CLI_SERVER_WORKERS": "4",  # a page and its assets at once
    }
    php, log = None, (folder / "php.log").open("w")
    try:
        site = WordPress(url, env)
        answer = site.run("install")
        assert answer["theme"] == "twentytwentythree"
        assert answer["author_can_unfiltered_html"] is False
        site.author = (answer["author"], answer["application_password"])
        site.admin_password = answer["admin_password"]
        php = subprocess.Popen(
            ["php", "-S", f"{WP_HOST}:{port}", "-t", str(WORDPRESS), str(HERE / "router.php")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # its own process group: the stop reaches its workers
        )
        wait_for(lambda: answers(WP_HOST, port), "php -S", process=php)
        yield site
    finally:
        if php is not None:
            stop(php, lambda sig: os.killpg(php.pid, sig))
        stop(mariadb, mariadb.send_signal)
        config.unlink(missing_ok=True)
        log.close()

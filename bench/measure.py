"""Name the workloads and measure one round of one, plus the embed document's weight."""

import gzip
import math
import re
import resource
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from load import run_wrk

SLUG = "chicago-welcoming-city"
EMBED = f"/p/{SLUG}/embed"
# The embedded thank-you page with its share step, in Spanish (the longer texts).
EMBED_THANKS = f"/p/{SLUG}/embed/thanks?lang=es&ref=AAAAAAAAAAAAAAAA"


@dataclass(frozen=True)
class Workload:
    """A load: which server, which wrk script, which path; sign flows count signatures."""

    name: str
    server: str
    path: str
    flow: bool = False

    @property
    def script(self):
        return "sign.lua" if self.flow else "get.lua"

    @property
    def threads(self):
        # sign.lua keeps one signer's state per wrk thread: one thread per connection.
        return 32 if self.flow else 2


SIGN = Workload("sign path", "widget", EMBED, flow=True)
BARE_INSERT = Workload("bare insert", "bare", EMBED, flow=True)
HELLO = Workload("hello", "bare", "/hello")
EMBED_PAGE = Workload("embed page", "widget", EMBED)
COUNT = Workload("count.json", "widget", f"/p/{SLUG}/count.json")
EMBED_JS = Workload("embed.js", "widget", "/static/embed.js")


def percentile(values, p):
    """Return the nearest-rank percentile of values (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def children_cpu():
    """Return the CPU seconds used so far by waited-for children (the load generator)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(server, workload, seconds, tmp, round_no):
    """Run one round of a workload and return its figures."""
    cpu, server_cpu = children_cpu(), server.cpu_seconds()
    result = run_wrk(
        server.url, workload.path, workload.script, seconds, tmp, round_no, workload.threads
    )
    server_cpu = server.cpu_seconds() - server_cpu
    figures = {
        "rate": result["rps"],
        "p50": result["p50_ms"],
        "p99": result["p99_ms"],
        "errors": result["non_2xx_3xx"] + result["socket_errors"] + result.get("failures", 0),
        "wrk_cpu": (children_cpu() - cpu) / result["seconds"],
        # CPU per request is steadier than throughput on a busy machine: it does not count
        # the time other processes took.
        "cpu_us": server_cpu / max(result["requests"], 1) * 1e6,
    }
    if workload.flow:
        figures.update(
            rate=len(result["flow_ms"]) / result["seconds"],
            flow_p50=percentile(result["flow_ms"], 50),
            flow_p99=percentile(result["flow_ms"], 99),
            post_p50=percentile(result["post_ms"], 50),
            post_p99=percentile(result["post_ms"], 99),
            cpu_us=server_cpu / max(len(result["flow_ms"]), 1) * 1e6,
            acked=result["acked"],
        )
    return figures


class Subresources(HTMLParser):
    """Collect the URLs a browser would fetch to show a document."""

    FETCHED = {
        "img": "src",
        "script": "src",
        "iframe": "src",
        "source": "src",
        "video": "src",
        "audio": "src",
        "embed": "src",
        "input": "src",
        "object": "data",
        "link": "href",
    }

    def __init__(self):
        super().__init__()
        self.urls, self._in_style = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in {"canonical", "alternate", None}:
            return
        if attrs.get(self.FETCHED.get(tag, "")):
            self.urls.append(attrs[self.FETCHED[tag]])
        self.urls += css_urls(attrs.get("style") or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += css_urls(data)


def css_urls(css):
    """Return the url(...) and @import targets of a stylesheet."""
    found = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
    found += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return [url for url in found if not url.startswith("data:")]


def document_weight(server, path=EMBED):
    """Return an embed page's bytes, requests (itself included) and third-party requests."""
    status, _, body = server.get(path)
    assert status == 200, status
    parser = Subresources()
    parser.feed(body.decode())
    base = server.url + path
    hosts = {urlsplit(urljoin(base, url)).netloc for url in parser.urls}
    return {
        "bytes": len(body),
        "requests": 1 + len(set(parser.urls)),
        "third_party": len(hosts - {urlsplit(base).netloc}),
    }


def script_weight(server):
    """Return embed.js's gzipped bytes, or None when the checkout has no static/embed.js."""
    status, _, body = server.get(EMBED_JS.path)
    if status == 404:
        return None
    assert status == 200, status
    return len(gzip.compress(body, compresslevel=9))

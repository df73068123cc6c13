"""Helpers for the training-UI tests (not a test module): exact HTTP requests and a headless Chromium."""

from __future__ import annotations

import http.client
import os
from urllib.parse import urlsplit

#: Where Debian's ``chromium`` and ``chromium-driver`` packages install the browser and its driver (Makefile
#: APT_PKGS). Given explicitly so that Selenium never looks for, or downloads, a driver of its own.
DEBIAN_CHROMIUM = "/usr/bin/chromium"
DEBIAN_CHROMEDRIVER = "/usr/bin/chromedriver"


def split_url(url: str) -> tuple[str, int, str]:
    """``http://host:port/?token=T`` -> (host, port, token)."""
    parts = urlsplit(url)
    token = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)["token"]
    return parts.hostname, parts.port, token


def raw_get(url: str, target: str, *, host_header: str | None = None, headers: dict | None = None) -> tuple[int, str]:
    """GET ``target`` sent byte for byte (no normalisation of ``..`` or ``%2e``) to the server of ``url``."""
    host, port, _ = split_url(url)
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host_header if host_header is not None else f"{host}:{port}")
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def chromium(width: int = 1400, height: int = 2500):
    """A headless Chromium driven by Debian's chromedriver (nothing is downloaded: both paths are given)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (DEBIAN_CHROMIUM, DEBIAN_CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            raise AssertionError(f"{path} is missing: `make setup` installs Debian's chromium and chromium-driver")
    os.environ["SE_OFFLINE"] = "true"     # Selenium Manager must not reach the network either
    options = webdriver.ChromeOptions()
    options.binary_location = DEBIAN_CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=DEBIAN_CHROMEDRIVER), options=options)


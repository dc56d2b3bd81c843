"""Ways in for people: the network in the site menu, what each download is for, the series
page listing its agreements, and the menu's VoID link readable in a browser."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Sec-Fetch-Dest": "document",
}
SERIES = "/page/id/series/bilateral-security-agreements"


@pytest.mark.parametrize("path", ["/", "/agreements", "/page/id/party/gbr", "/dumps/"])
def test_the_network_is_in_the_menu(real_client: FlaskClient, path: str) -> None:
    body = real_client.get(path, headers=BROWSER).text
    menu = body[body.index("<header") : body.index("</header>")]
    assert 'href="/network"' in menu, path


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_every_download_says_what_it_is_for(real_client: FlaskClient, lang: str) -> None:
    body = real_client.get(f"/dumps/?lang={lang}", headers=BROWSER).text
    rows = re.findall(r"<tr><td><a [^>]*download>([^<]+)</a></td><td>([^<]*)</td>", body)
    assert len(rows) > 10
    assert all(use.strip() for _, use in rows), [name for name, use in rows if not use.strip()]
    uses = dict(rows)
    assert "Gephi" in uses["uasa-network.gexf"] and "yEd" in uses["uasa-network.graphml"]
    assert 'href="/network"' in body[body.index("<main") :]


def test_the_series_page_lists_its_agreements_and_draws_their_network(
    real_client: FlaskClient,
) -> None:
    body = real_client.get(SERIES, headers=BROWSER).text
    listed = re.findall(r'<tr data-agreement="(/page/id/agreement/[^"]+)"', body)
    total = real_client.get("/agreements.json").get_json()["total"]
    assert len(set(listed)) == len(listed) == total > 20
    assert 'data-src="/network.json?lang=en"' in body
    nodes = real_client.get("/network.json").get_json()["elements"]["nodes"]
    kinds = {n["data"]["kind"] for n in nodes}
    assert "claim" not in kinds and kinds <= {"agreement", "party", "framework"}


def test_the_void_link_is_readable_in_a_browser(real_client: FlaskClient) -> None:
    page = real_client.get("/.well-known/void", headers=BROWSER)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "void:Dataset" in page.text and "Accept" in page.headers["Vary"]
    # RDF clients keep their types; no Accept (curl) keeps Turtle.
    assert real_client.get("/.well-known/void").mimetype == "text/turtle"
    nt = real_client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert nt.mimetype == "application/n-triples"


def test_every_run_link_answers_200_to_a_link_checker(real_client: FlaskClient) -> None:
    """The "run" links of the home page's gallery, the catalogue and each query's own page
    carry the examples of the required parameters; followed by a plain client (no browser
    headers) they answer 200."""
    names = [q["name"] for q in real_client.get("/queries.json").get_json()["queries"]]
    pages = ["/", "/queries", *(f"/query/{n}.html" for n in names)]
    links = set()
    for path in pages:
        body = real_client.get(path, headers=BROWSER).text
        found = re.findall(r'href="(/queries/[^"#?.]+(?:\?[^"#]*)?)"', body)
        links |= {h.replace("&amp;", "&") for h in found}
    assert {link.split("?")[0] for link in links} >= {f"/queries/{n}" for n in names}
    failing = [
        (link, r.status_code)
        for link in sorted(links)
        if (r := real_client.get(link)).status_code != 200
    ]
    assert not failing, failing

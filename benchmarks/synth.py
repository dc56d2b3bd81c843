"""Synthetic data in the uasa ontology, for benchmarks and scale tests.

    python benchmarks/synth.py --triples N --out DIR [--seed 42] [--per-file 1000000]

Not part of the `uasa` package: nothing a user serves needs it (it was `uasa synth`).

The generator copies the shapes of the curated data (data/MODELLING.md and the exemplar
data/agreements/gbr-2024-01-12.ttl): agreements with two parties, two or three signatures, a
duration clause, provisions filed under `pcat:` categories, commitments with
`schema:MonetaryAmount` values (xsd:decimal, ISO 4217 codes, periods), negotiation milestones,
legal-nature and list-position claims, and the sources, publishers, parties, people and places
they cite. Every saved query in queries/ runs on it unchanged: agreements signed in 2024 have a
10-year term, so `expiring-in-year?year=2034` answers.

Nothing here is a fact: partners are made-up states with codes such as `XAB` (no owl:sameAs to
Wikidata, which the shapes report as a warning), and agreements, provisions, commitments,
milestones and claims say so in their descriptions. The output is deterministic for a seed,
streamed to N-Triples files (no graph in memory), and its size is within a few hundred triples
of the requested count. Small outputs (a few 10k triples) pass the SHACL shapes, so `uasa build
--data DIR` validates them; build large ones with `--no-validate`."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import string
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ID = "https://w3id.org/uasa/id/"
CONCEPT = "https://w3id.org/uasa/concept/"
UASA = "https://w3id.org/uasa/def#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT = "http://purl.org/dc/terms/"
PROV_DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
SCHEMA = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL_SAMEAS = "<http://www.w3.org/2002/07/owl#sameAs>"


def u(term: str) -> str:
    return f"<{UASA}{term}>"


def i(kind: str, slug: str) -> str:
    return f"<{ID}{kind}/{slug}>"


def c(scheme: str, slug: str) -> str:
    return f"<{CONCEPT}{scheme}/{slug}>"


def dct(term: str) -> str:
    return f"<{DCT}{term}>"


def sch(term: str) -> str:
    return f"<{SCHEMA}{term}>"


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


# Categories used for provisions (the duration clause has its own) and for commitments.
PROVISION_CATEGORIES = (
    "consultations-24h",
    "consultations",
    "air-defence",
    "combat-aircraft",
    "maritime-security",
    "demining",
    "cyber-security",
    "information-security",
    "intelligence-sharing",
    "defence-industry",
    "training",
    "sanctions",
    "accountability",
    "reconstruction",
    "critical-infrastructure",
    "cbrn",
    "eu-integration",
    "nato-integration",
    "reforms",
    "humanitarian-aid",
    "deported-children",
    "veterans",
    "peace-formula",
)
COMMITMENT_CATEGORIES = ("military-assistance", "financial-support")
CURRENCIES = ("EUR", "USD", "GBP", "CAD", "JPY", "NOK", "SEK", "DKK", "CZK", "PLN", "ISK", "CHF")
QUALIFIERS = ("exact", "at-least", "more-than", "up-to", "approximately")
BASES = ("total", "per-year")
LEGAL_NATURES = (
    "political-commitment",
    "legally-binding",
    "executive-agreement",
    "subject-to-ratification",
    "subject-to-parliamentary-approval",
)
MILESTONE_KINDS = ("talks-launched", "negotiation-round", "text-finalised", "approved-for-signing")
PARTNER_OFFICES = (
    ("head-of-state", "President", "Президент"),
    ("head-of-government", "Prime Minister", "Прем'єр-міністр"),
    ("minister", "Minister of Defence", "Міністр оборони"),
)
FRAMEWORKS = (
    ("g7-joint-declaration", "Declaration", "Synthetic joint declaration", "Синтетична декларація"),
    ("synthetic-pledge", "Pledge", "Synthetic pledge", "Синтетичне зобов'язання"),
)
FIRST_NAMES = ("Anna", "Boris", "Clara", "David", "Elena", "Felix", "Greta", "Hugo", "Ines", "Jan")
LAST_NAMES = ("Adler", "Berg", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Holm", "Ivanov")
FIRST_UK = ("Анна", "Борис", "Клара", "Давид", "Олена", "Фелікс", "Ґрета", "Гуго", "Інес", "Ян")
LAST_UK = ("Адлер", "Берг", "Коста", "Даль", "Еванс", "Фішер", "Гарсія", "Гольм", "Іванов")
SYNTHETIC = "Synthetic benchmark data, not a fact."


@dataclass
class Counter:
    triples: int = 0


class Writer:
    """N-Triples lines to a series of files, a new file every ``per_file`` triples."""

    def __init__(self, out: Path, per_file: int) -> None:
        self.out = out
        self.per_file = per_file
        self.count = 0
        self._in_file = 0
        self._index = 0
        self._fh: TextIO | None = None
        self._buffer: list[str] = []
        self.files: list[Path] = []

    def _open(self) -> None:
        self._close()
        self._index += 1
        path = self.out / f"synth-{self._index:04d}.nt"
        self.files.append(path)
        self._fh = path.open("w", encoding="utf-8", buffering=1 << 20)
        self._in_file = 0

    def _flush(self) -> None:
        if self._buffer and self._fh is not None:
            self._fh.write("".join(self._buffer))
            self._buffer.clear()

    def _close(self) -> None:
        self._flush()
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def roll(self) -> None:
        """Start a new file when this one is full; called between agreements only, so a
        blank node and the node using it always share a file (N-Triples scopes them by file)."""
        if self._fh is None or self._in_file >= self.per_file:
            self._open()

    def node(self, subject: str, pairs: list[tuple[str, str]]) -> None:
        if self._fh is None:
            self._open()
        self._buffer.extend(f"{subject} {p} {o} .\n" for p, o in pairs)
        n = len(pairs)
        self.count += n
        self._in_file += n
        if len(self._buffer) > 50_000:
            self._flush()

    def close(self) -> None:
        self._close()


def _codes(rng: random.Random) -> list[str]:
    """Made-up ISO-like alpha-3 codes, X first so they do not look like real states."""
    letters = string.ascii_uppercase
    codes = [f"X{a}{b}" for a in letters for b in letters]
    codes += [f"{x}{a}{b}" for x in "QZ" for a in letters for b in letters]
    rng.shuffle(codes)
    return codes


class Generator:
    def __init__(self, triples: int, seed: int) -> None:
        self.target = triples
        self.rng = random.Random(seed)
        # About 150 triples per agreement with everything around it.
        self.n_agreements = max(2, triples // 150)
        codes = _codes(self.rng)
        self.n_partners = max(3, min(len(codes), self.n_agreements // 3))
        self.partners = codes[: self.n_partners]
        self.n_publishers = max(5, min(500, self.n_agreements // 20))

    # -- shared nodes ---------------------------------------------------------------------
    def preamble(self, w: Writer) -> None:
        src = i("source", "synthetic-generator")
        w.node(
            src,
            [
                (RDF_TYPE, u("Source")),
                (dct("description"), lit("The uasa synthetic data generator (uasa synth).", "en")),
                (dct("title"), lit("uasa synth", "en")),
            ],
        )
        w.node(
            i("party", "ukr"),
            [
                (RDF_TYPE, u("State")),
                (RDFS_LABEL, lit("Ukraine", "en")),
                (RDFS_LABEL, lit("Україна", "uk")),
                (u("isoAlpha3"), lit("UKR")),
                (u("isoAlpha2"), lit("UA")),
                (OWL_SAMEAS, "<http://www.wikidata.org/entity/Q212>"),
            ],
        )
        w.node(
            i("person", "volodymyr-zelenskyy"),
            [
                (RDF_TYPE, f"<{FOAF}Person>"),
                (RDFS_LABEL, lit("Volodymyr Zelenskyy", "en")),
                (RDFS_LABEL, lit("Володимир Зеленський", "uk")),
            ],
        )
        w.node(
            i("place", "kyiv"),
            [
                (RDF_TYPE, u("Place")),
                (RDFS_LABEL, lit("Kyiv", "en")),
                (RDFS_LABEL, lit("Київ", "uk")),
                (u("inState"), i("party", "ukr")),
            ],
        )
        w.node(
            i("series", "bilateral-security-agreements"),
            [
                (RDF_TYPE, u("AgreementSeries")),
                (RDFS_LABEL, lit("Ukraine's bilateral security agreements", "en")),
                (RDFS_LABEL, lit("Двосторонні безпекові угоди України", "uk")),
            ],
        )
        for slug, cls, en, uk in FRAMEWORKS:
            w.node(
                i("framework", slug),
                [
                    (RDF_TYPE, u(cls)),
                    (RDFS_LABEL, lit(en, "en")),
                    (RDFS_LABEL, lit(uk, "uk")),
                    (dct("description"), lit(SYNTHETIC, "en")),
                    (PROV_DERIVED, src),
                ],
            )
        for n in range(self.n_publishers):
            w.node(
                i("publisher", f"synthetic-{n}"),
                [
                    (RDF_TYPE, f"<{FOAF}Organization>"),
                    (f"<{FOAF}name>", lit(f"Synthetic publisher {n}")),
                    (f"<{FOAF}homepage>", f"<https://publisher-{n}.example/>"),
                ],
            )

    def partner(self, w: Writer, code: str) -> None:
        slug = code.lower()
        w.node(
            i("party", slug),
            [
                (RDF_TYPE, u("State")),
                (RDFS_LABEL, lit(f"State {code}", "en")),
                (RDFS_LABEL, lit(f"Держава {code}", "uk")),
                (u("isoAlpha3"), lit(code)),
                (u("isoAlpha2"), lit(code[1:])),
            ],
        )
        w.node(
            i("place", f"{slug}-capital"),
            [
                (RDF_TYPE, u("Place")),
                (RDFS_LABEL, lit(f"Capital of {code}", "en")),
                (RDFS_LABEL, lit(f"Столиця {code}", "uk")),
                (u("inState"), i("party", slug)),
            ],
        )

    def person(self, w: Writer, slug: str, en: str, uk: str) -> None:
        w.node(
            i("person", slug),
            [
                (RDF_TYPE, f"<{FOAF}Person>"),
                (RDFS_LABEL, lit(en, "en")),
                (RDFS_LABEL, lit(uk, "uk")),
            ],
        )

    def source(self, w: Writer, slug: str, issued: dt.date) -> str:
        node = i("source", slug)
        w.node(
            node,
            [
                (RDF_TYPE, u("Source")),
                (sch("url"), f"<https://news.example/{issued:%Y/%m/%d}/{slug}>"),
                (
                    dct("publisher"),
                    i("publisher", f"synthetic-{self.rng.randrange(self.n_publishers)}"),
                ),
                (dct("issued"), typed(issued.isoformat(), "date")),
            ],
        )
        return node

    # -- one agreement and everything it owns ------------------------------------------------
    def agreement(self, w: Writer, number: int, code: str, signed: dt.date) -> None:
        rng = self.rng
        p = code.lower()
        slug = f"{p}-{signed.isoformat()}"
        ag = i("agreement", slug)
        partner = i("party", p)
        ukr = i("party", "ukr")
        place = i("place", "kyiv") if rng.random() < 0.6 else i("place", f"{p}-capital")
        sources = [
            self.source(w, f"synthetic-{slug}-{k}", signed + dt.timedelta(days=k))
            for k in range(rng.randint(2, 3))
        ]
        nature = rng.choice(LEGAL_NATURES)
        pairs = [
            (RDF_TYPE, u("SecurityAgreement")),
            (RDFS_LABEL, lit(f"{code}-Ukraine security agreement ({signed:%Y-%m-%d})", "en")),
            (
                RDFS_LABEL,
                lit(
                    f"Угода про безпекове співробітництво між Україною та {code} ({signed:%Y})",
                    "uk",
                ),
            ),
            (
                dct("title"),
                lit(f"Agreement on Security Co-operation between {code} and Ukraine", "en"),
            ),
            (u("party"), ukr),
            (u("party"), partner),
            (u("partner"), partner),
            (u("signingDate"), typed(signed.isoformat(), "date")),
            (u("signingPlace"), place),
            (u("implements"), i("framework", "g7-joint-declaration")),
            (u("legalNature"), c("legal-nature", nature)),
            (u("announcement"), sources[0]),
            (dct("description"), lit(SYNTHETIC, "en")),
        ] + [(PROV_DERIVED, s) for s in sources]
        w.node(ag, pairs)

        # Signatures: Zelenskyy, the partner's leader, sometimes a minister too.
        date = typed(signed.isoformat(), "date")
        signers = [
            (
                "volodymyr-zelenskyy",
                ukr,
                "head-of-state",
                "President of Ukraine",
                "Президент України",
            )
        ]
        for k in range(1 if rng.random() < 0.8 else 2):
            office, en_title, uk_title = PARTNER_OFFICES[(number + k) % len(PARTNER_OFFICES)]
            person = f"synthetic-{p}-{(number // self.n_partners + k) % 4}"
            signers.append((person, partner, office, f"{en_title} of {code}", f"{uk_title} {code}"))
        for person, party, office, en_title, uk_title in signers:
            w.node(
                i("signature", f"{slug}-{person}"),
                [
                    (RDF_TYPE, u("Signature")),
                    (u("signatureOf"), ag),
                    (u("signatory"), i("person", person)),
                    (u("onBehalfOf"), party),
                    (u("officeKind"), c("office-kind", office)),
                    (u("officeTitle"), lit(en_title, "en")),
                    (u("officeTitle"), lit(uk_title, "uk")),
                    (dct("date"), date),
                    (u("atPlace"), place),
                    (PROV_DERIVED, sources[-1]),
                ],
            )

        # Duration clause: 10 years for most, so expiry dates are derived.
        years = 10 if rng.random() < 0.85 else rng.choice((5, 15, 20))
        w.node(
            i("provision", f"{slug}-duration"),
            [
                (RDF_TYPE, u("DurationClause")),
                (u("provisionOf"), ag),
                (dct("subject"), c("provision-category", "duration-and-termination")),
                (u("durationYears"), typed(str(years), "integer")),
                (u("clauseKind"), c("clause-kind", "fixed-term")),
                (
                    u("clauseKind"),
                    c("clause-kind", rng.choice(("extension", "ends-on-nato-accession"))),
                ),
                (dct("description"), lit(f"Valid for {years} years. {SYNTHETIC}", "en")),
                (PROV_DERIVED, sources[0]),
            ],
        )

        # Provisions: 4 to 10 categories, sometimes a second category, sometimes a section number.
        for n, cat in enumerate(rng.sample(PROVISION_CATEGORIES, rng.randint(4, 10))):
            pairs = [
                (RDF_TYPE, u("Provision")),
                (u("provisionOf"), ag),
                (dct("subject"), c("provision-category", cat)),
            ]
            if rng.random() < 0.15:
                other = rng.choice([x for x in PROVISION_CATEGORIES if x != cat])
                pairs.append((dct("subject"), c("provision-category", other)))
            pairs.append(
                (
                    dct("description"),
                    lit(f"{cat.replace('-', ' ').capitalize()}. {SYNTHETIC}", "en"),
                )
            )
            if rng.random() < 0.5:
                pairs.append((dct("identifier"), lit(f"{n + 1}.{rng.randint(1, 9)}")))
            pairs.append((PROV_DERIVED, rng.choice(sources)))
            w.node(i("provision", f"{slug}-{cat}"), pairs)

        # Commitments with money: one to three, each one amount in one currency and period.
        currency = CURRENCIES[int(code.encode().hex(), 16) % len(CURRENCIES)]
        for n in range(rng.randint(1, 3)):
            start = signed.year + rng.randint(0, 1)
            end = start + rng.choice((0, 0, 1, 3, 9))
            purpose = rng.choice(COMMITMENT_CATEGORIES)
            cm = i("commitment", f"{slug}-{purpose}-{start}-{end}-{n}")
            amount = f"_:m{number}x{n}"
            value = rng.randint(1, 500) * 10 ** rng.randint(6, 9)
            w.node(
                amount,
                [
                    (RDF_TYPE, sch("MonetaryAmount")),
                    (sch("value"), typed(str(value), "decimal")),
                    (sch("currency"), lit(currency)),
                ],
            )
            w.node(
                cm,
                [
                    (RDF_TYPE, u("Commitment")),
                    (u("commitmentOf"), ag),
                    (u("obligor"), partner),
                    (u("beneficiary"), ukr),
                    (dct("subject"), c("provision-category", purpose)),
                    (u("amount"), amount),
                    (u("amountQualifier"), c("amount-qualifier", rng.choice(QUALIFIERS))),
                    (u("amountBasis"), c("amount-basis", rng.choice(BASES))),
                    (u("periodStart"), typed(str(start), "gYear")),
                    (u("periodEnd"), typed(str(end), "gYear")),
                    (u("periodLabel"), lit(f"{start}-{end}")),
                    (u("purpose"), lit(purpose.replace("-", " "), "en")),
                    (
                        dct("description"),
                        lit(f"{currency} {value} for {start}-{end}. {SYNTHETIC}", "en"),
                    ),
                    (PROV_DERIVED, sources[0]),
                ],
            )

        # Negotiation milestones before the signing.
        for n, kind in enumerate(MILESTONE_KINDS[: rng.randint(1, 3)]):
            when = signed - dt.timedelta(days=30 * (3 - n) + rng.randint(0, 20))
            w.node(
                i("milestone", f"{p}-{when.isoformat()}-{kind}-{signed:%Y%m%d}"),
                [
                    (RDF_TYPE, u("NegotiationMilestone")),
                    (u("negotiatingPartner"), partner),
                    (u("milestoneOf"), ag),
                    (u("milestoneKind"), c("milestone-kind", kind)),
                    (dct("date"), typed(when.isoformat(), "date")),
                    (
                        dct("description"),
                        lit(f"{kind.replace('-', ' ').capitalize()}. {SYNTHETIC}", "en"),
                    ),
                    (PROV_DERIVED, rng.choice(sources)),
                ],
            )

        # Claims: the legal nature (a shape requires one) and a list position.
        w.node(
            i("claim", f"{slug}-legal-nature-synthetic"),
            [
                (RDF_TYPE, u("Claim")),
                (u("claimSubject"), ag),
                (u("claimProperty"), u("legalNature")),
                (u("claimedObject"), c("legal-nature", nature)),
                (u("asOf"), date),
                (dct("description"), lit(SYNTHETIC, "en")),
                (PROV_DERIVED, sources[0]),
            ],
        )
        w.node(
            i("claim", f"{slug}-list-position-synthetic"),
            [
                (RDF_TYPE, u("Claim")),
                (u("claimSubject"), ag),
                (u("claimProperty"), u("listPosition")),
                (u("claimedValue"), typed(str(number + 1), "integer")),
                (u("asOf"), typed(f"{signed.year + 1}-11", "gYearMonth")),
                (dct("description"), lit(SYNTHETIC, "en")),
                (PROV_DERIVED, sources[-1]),
            ],
        )

    def signings(self) -> Iterator[tuple[int, str, dt.date]]:
        """(number, partner code, signing date) without repeating a partner's date.

        Dates run 2022-2027 with most in 2024, as in the real data; partner k's j-th agreement
        lands on a distinct day (a stride coprime with the span).
        """
        span = 6 * 365
        start = dt.date(2022, 1, 1)
        per_partner: dict[str, int] = {}
        for number in range(10**12):
            code = self.partners[number % self.n_partners]
            j = per_partner.get(code, 0)
            per_partner[code] = j + 1
            if j == 0 or self.rng.random() < 0.5:  # the first agreement is in 2024
                offset = 2 * 365 + (hash_code(code) + 37 * j) % 366
            else:
                offset = (hash_code(code) + 733 * j) % span
            day = start + dt.timedelta(days=offset)
            yield number, code, day

    def run(self, out: Path, per_file: int = 1_000_000) -> Writer:
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("synth-*.nt"):
            old.unlink()
        w = Writer(out, per_file)
        self.preamble(w)
        seen_people: set[str] = set()
        seen: set[tuple[str, dt.date]] = set()
        made_partners: set[str] = set()
        for number, code, signed in self.signings():
            if w.count >= self.target:
                break
            if (code, signed) in seen:
                continue
            seen.add((code, signed))
            if code not in made_partners:
                made_partners.add(code)
                self.partner(w, code)
            p = code.lower()
            for k in range(2):
                person = f"synthetic-{p}-{(number // self.n_partners + k) % 4}"
                if person not in seen_people:
                    seen_people.add(person)
                    r = sum(map(ord, person))
                    first, last = r % len(FIRST_NAMES), r % len(LAST_NAMES)
                    self.person(
                        w,
                        person,
                        f"{FIRST_NAMES[first]} {LAST_NAMES[last]} ({code})",
                        f"{FIRST_UK[first]} {LAST_UK[last]} ({code})",
                    )
            self.agreement(w, number, code, signed)
            w.roll()
        w.close()
        return w


def hash_code(code: str) -> int:
    """A stable small hash (Python's hash() is salted per process)."""
    h = 0
    for ch in code:
        h = h * 131 + ord(ch)
    return h


def generate(
    triples: int, out: Path, seed: int = 42, per_file: int = 1_000_000
) -> tuple[int, list[Path]]:
    """Write about ``triples`` triples to ``out``/synth-NNNN.nt; returns (count, files)."""
    w = Generator(triples, seed).run(out, per_file)
    return w.count, w.files


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="write synthetic data in the uasa ontology")
    p.add_argument("--triples", type=int, required=True, help="how many triples, roughly (±1%%)")
    p.add_argument("--out", required=True, help="folder for the N-Triples files (synth-*.nt)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--per-file", type=int, default=1_000_000, help="triples per file")
    args = p.parse_args(argv)
    started = time.perf_counter()
    count, files = generate(args.triples, Path(args.out), args.seed, args.per_file)
    print(
        f"synth: {count} triples in {len(files)} files → {args.out} "
        f"({time.perf_counter() - started:.1f} s). Build it with "
        f"`uasa build --data {args.out} --store …` (add --no-validate for large sizes)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

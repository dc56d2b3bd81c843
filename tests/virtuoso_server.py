"""A throw-away Virtuoso (Debian's `virtuoso-opensource` 7) on free loopback ports, for tests.

`VirtuosoServer(folder)` writes its own virtuoso.ini into `folder`, starts `virtuoso-t` there
and waits for its SPARQL endpoint; `load_nquads` runs the bulk loader (`ld_dir`,
`rdf_loader_run`) through `isql-vt`, as docs/deploy.md tells operators to; `stop` ends it.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import requests

from tests.helpers import free_port, stop_process

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"

INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
; The default (10 000) silently truncates larger answers.
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


def available() -> bool:
    return shutil.which(VIRTUOSO) is not None and shutil.which(ISQL) is not None


class VirtuosoServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        (folder / "virtuoso.ini").write_text(
            INI.format(folder=folder, sql_port=self.sql_port, http_port=self.http_port)
        )
        self.proc = subprocess.Popen(
            [VIRTUOSO, "+configfile", str(folder / "virtuoso.ini"), "+foreground"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited: {self.log()[-2000:]}")
            try:
                if requests.get(self.sparql, params={"query": "ASK {}"}, timeout=5).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("virtuoso-t did not start within 60 s")

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store endpoint that needs no login (see `allow_anonymous_writes`)."""
        return self.url + "/sparql-graph-crud"

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text("utf-8", errors="replace") if path.exists() else ""

    def isql(self, sql: str) -> str:
        done = subprocess.run(
            [ISQL, str(self.sql_port), "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed on {sql!r}: {done.stdout}{done.stderr}")
        return done.stdout

    def load_nquads(self, path: Path) -> None:
        """The bulk loader: each quad keeps its own graph."""
        target = self.folder / path.name
        shutil.copyfile(path, target)
        self.isql(
            f"ld_dir('{self.folder}', '{path.name}', 'urn:uasa:no-graph'); "
            "rdf_loader_run(); checkpoint;"
        )
        errors = self.isql(
            "SELECT ll_file FROM DB.DBA.LOAD_LIST WHERE ll_state <> 2 OR ll_error IS NOT NULL;"
        )
        if "0 Rows." not in errors:
            raise RuntimeError(f"the bulk loader did not load {path.name}: {errors}")

    def allow_anonymous_writes(self) -> None:
        """Lets /sparql-graph-crud write without a login (tests only: never on a real server)."""
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL";')

    def stop(self) -> None:
        stop_process(self.proc)

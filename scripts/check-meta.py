#!/usr/bin/python3
"""scripts/check-meta.py -- checks META.json, vigil's PGXN distribution metadata.

1. META.json follows the PGXN Meta Spec 1.0.0 (https://pgxn.org/meta/spec.txt): the required
   keys (name, abstract, version, maintainer, license, provides, meta-spec) with the spec's
   types, semantic versions, license strings, prereqs phases/relations and version ranges,
   release_status, resources, no_index, tags; any other key must start with x_ or X_.
   The official validator (PGXN::Meta::Validator, a Perl module on CPAN) is not packaged for
   Debian, so this is a transcription of the spec's rules; it does not replace the official one.
2. The versions agree: META.json's version and provides.vigil.version equal vigil.control's
   default_version and vigil_version() of the built library (build/vigil.so, the same kVersion
   as the PostgreSQL module); every file it names exists.
3. --self-test (run first, always): broken copies of META.json are each refused, so the checks
   above can fail.

Usage: scripts/check-meta.py    (from anywhere; needs build/vigil.so: make sqlite)
"""

from __future__ import annotations

import copy
import json
import os
import re
import sqlite3
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
    "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
    "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay", "sun",
    "zlib", "open_source", "restricted", "unrestricted", "unknown",
}
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}
RELEASE_STATUS = {"stable", "testing", "unstable"}
TOP_KEYS = {
    "name", "abstract", "version", "maintainer", "license", "provides", "meta-spec",
    "description", "prereqs", "release_status", "resources", "no_index", "tags", "generated_by",
}
REQUIRED = ["name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"]
# Semantic Versioning 1.0.0, as the spec requires: X.Y.Z, then an optional special version.
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)([a-zA-Z][0-9a-zA-Z-]*)?$")
URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")


def is_term(v) -> bool:
    # a Term: a string of two or more characters, no whitespace, slash, backslash or control
    return isinstance(v, str) and len(v) >= 2 and not re.search(r"[\s/\\\x00-\x1f\x7f]", v)


def is_version_range(v) -> bool:
    if v == 0 or v == "0":
        return True
    if not isinstance(v, str):
        return False
    for part in v.split(","):
        m = re.match(r"^\s*(>=|<=|==|!=|>|<)?\s*(\S+)\s*$", part)
        if not m or not SEMVER.match(m.group(2)):
            return False
    return True


def custom(key: str) -> bool:
    return key.startswith("x_") or key.startswith("X_")


def validate(meta) -> list[str]:
    errors: list[str] = []
    if not isinstance(meta, dict):
        return ["META.json is not a JSON object"]
    for key in REQUIRED:
        if key not in meta:
            errors.append(f"required key {key!r} is missing")
    for key in meta:
        if key not in TOP_KEYS and not custom(key):
            errors.append(f"unknown key {key!r} (custom keys start with x_)")
    if "name" in meta and not is_term(meta["name"]):
        errors.append("name must be a Term (2+ characters, no whitespace, / or \\)")
    for key in ("abstract", "description", "generated_by"):
        if key in meta and not (isinstance(meta[key], str) and meta[key].strip()):
            errors.append(f"{key} must be a non-empty string")
    if "version" in meta and not (isinstance(meta["version"], str) and SEMVER.match(meta["version"])):
        errors.append(f"version {meta.get('version')!r} is not a semantic version (X.Y.Z)")
    m = meta.get("maintainer")
    if "maintainer" in meta and not (
            (isinstance(m, str) and m.strip()) or
            (isinstance(m, list) and m and all(isinstance(x, str) and x.strip() for x in m))):
        errors.append("maintainer must be a string or a non-empty list of strings")
    lic = meta.get("license")
    if "license" in meta:
        if isinstance(lic, str):
            ok = lic in LICENSES
        elif isinstance(lic, list):
            ok = bool(lic) and all(isinstance(x, str) and x in LICENSES for x in lic)
        elif isinstance(lic, dict):
            ok = bool(lic) and all(isinstance(k, str) and isinstance(u, str) and URI.match(u)
                                   for k, u in lic.items())
        else:
            ok = False
        if not ok:
            errors.append(f"license {lic!r}: not a license string of the spec, a list of them, "
                          "or an object of names and URLs")
    provides = meta.get("provides")
    if "provides" in meta:
        if not isinstance(provides, dict) or not provides:
            errors.append("provides must be a non-empty object")
        else:
            for ext, p in provides.items():
                if not is_term(ext):
                    errors.append(f"provides: {ext!r} is not a Term")
                if not isinstance(p, dict):
                    errors.append(f"provides.{ext} must be an object")
                    continue
                for key in p:
                    if key not in ("file", "version", "abstract", "docfile") and not custom(key):
                        errors.append(f"provides.{ext}: unknown key {key!r}")
                for key in ("file", "version"):
                    if key not in p:
                        errors.append(f"provides.{ext}.{key} is required")
                if "version" in p and not (isinstance(p["version"], str) and SEMVER.match(p["version"])):
                    errors.append(f"provides.{ext}.version is not a semantic version")
                for key in ("file", "docfile", "abstract"):
                    if key in p and not (isinstance(p[key], str) and p[key].strip()):
                        errors.append(f"provides.{ext}.{key} must be a non-empty string")
    spec = meta.get("meta-spec")
    if "meta-spec" in meta:
        if not isinstance(spec, dict) or spec.get("version") != "1.0.0":
            errors.append("meta-spec must be an object with version \"1.0.0\"")
        elif "url" in spec and not (isinstance(spec["url"], str) and URI.match(spec["url"])):
            errors.append("meta-spec.url must be a URL")
    prereqs = meta.get("prereqs")
    if "prereqs" in meta:
        if not isinstance(prereqs, dict):
            errors.append("prereqs must be an object")
        else:
            for phase, relations in prereqs.items():
                if phase not in PHASES and not custom(phase):
                    errors.append(f"prereqs: unknown phase {phase!r}")
                if not isinstance(relations, dict):
                    errors.append(f"prereqs.{phase} must be an object")
                    continue
                for relation, items in relations.items():
                    if relation not in RELATIONS and not custom(relation):
                        errors.append(f"prereqs.{phase}: unknown relation {relation!r}")
                    if not isinstance(items, dict):
                        errors.append(f"prereqs.{phase}.{relation} must be an object")
                        continue
                    for name, version in items.items():
                        if not is_term(name):
                            errors.append(f"prereqs.{phase}.{relation}: {name!r} is not a Term")
                        if not is_version_range(version):
                            errors.append(f"prereqs.{phase}.{relation}.{name}: {version!r} is "
                                          "not 0, a version or a version range")
    if "release_status" in meta and meta["release_status"] not in RELEASE_STATUS:
        errors.append(f"release_status must be one of {sorted(RELEASE_STATUS)}")
    res = meta.get("resources")
    if "resources" in meta:
        if not isinstance(res, dict):
            errors.append("resources must be an object")
        else:
            for key, value in res.items():
                if key == "homepage":
                    if not (isinstance(value, str) and URI.match(value)):
                        errors.append("resources.homepage must be a URL")
                elif key in ("bugtracker", "repository"):
                    allowed = {"web", "mailto"} if key == "bugtracker" else {"url", "web", "type"}
                    if not isinstance(value, dict) or not value:
                        errors.append(f"resources.{key} must be a non-empty object")
                        continue
                    for k, v in value.items():
                        if k not in allowed and not custom(k):
                            errors.append(f"resources.{key}: unknown key {k!r}")
                        elif not isinstance(v, str) or (k in ("web", "url") and not URI.match(v)):
                            errors.append(f"resources.{key}.{k} must be a URL or a string")
                elif not custom(key):
                    errors.append(f"resources: unknown key {key!r}")
    if "no_index" in meta:
        ni = meta["no_index"]
        if not isinstance(ni, dict) or any(
                (k not in ("file", "directory") and not custom(k)) or
                not (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)))
                for k, v in ni.items()):
            errors.append("no_index must be an object of file/directory lists")
    if "tags" in meta:
        tags = meta["tags"]
        if not (isinstance(tags, list) and all(
                isinstance(t, str) and 0 < len(t) <= 255 and not re.search(r"[/\\\x00-\x1f]", t)
                for t in tags)):
            errors.append("tags must be a list of tags (strings of 1 to 255 characters)")
    return errors


def control_version() -> str:
    with open(os.path.join(ROOT, "vigil.control"), encoding="utf-8") as f:
        m = re.search(r"^\s*default_version\s*=\s*'([^']*)'", f.read(), re.M)
    if not m:
        raise SystemExit("check-meta: vigil.control has no default_version")
    return m.group(1)


def library_version() -> str:
    lib = os.path.join(ROOT, "build", "vigil")
    if not os.path.exists(lib + ".so"):
        raise SystemExit("check-meta: build/vigil.so is missing (make sqlite)")
    con = sqlite3.connect(":memory:")
    con.enable_load_extension(True)
    con.load_extension(lib)
    con.enable_load_extension(False)
    return con.execute("SELECT vigil_version()").fetchone()[0]


def agreement(meta, control: str, library: str) -> list[str]:
    errors = []
    version = meta.get("version")
    provided = (meta.get("provides") or {}).get("vigil") or {}
    if "vigil" not in (meta.get("provides") or {}):
        errors.append("provides has no entry for the extension vigil")
    for what, v in (("vigil.control default_version", control), ("vigil_version()", library),
                    ("provides.vigil.version", provided.get("version"))):
        if v != version:
            errors.append(f"META.json version {version!r} differs from {what} {v!r}")
    for ext, p in (meta.get("provides") or {}).items():
        for key in ("file", "docfile"):
            if isinstance(p, dict) and isinstance(p.get(key), str) and \
                    not os.path.isfile(os.path.join(ROOT, p[key])):
                errors.append(f"provides.{ext}.{key}: {p[key]} does not exist")
    return errors


def self_test(meta, control: str) -> list[str]:
    """Each broken copy must be refused; returns the ones that were not."""
    def broken(change):
        m = copy.deepcopy(meta)
        change(m)
        return m
    cases = {
        "no name": broken(lambda m: m.pop("name")),
        "no license": broken(lambda m: m.pop("license")),
        "no provides": broken(lambda m: m.pop("provides")),
        "no meta-spec": broken(lambda m: m.pop("meta-spec")),
        "name with a slash": broken(lambda m: m.update(name="vi/gil")),
        "version not semantic": broken(lambda m: m.update(version="0.2")),
        "license not in the spec": broken(lambda m: m.update(license="wtfpl")),
        "maintainer a number": broken(lambda m: m.update(maintainer=7)),
        "provides without file": broken(lambda m: m["provides"]["vigil"].pop("file")),
        "bad prereq range": broken(lambda m: m.update(
            prereqs={"runtime": {"requires": {"PostgreSQL": "~> 15"}}})),
        "unknown phase": broken(lambda m: m.update(prereqs={"install": {}})),
        "unknown top key": broken(lambda m: m.update(homepage="https://example.org")),
        "meta-spec 2.0.0": broken(lambda m: m.update({"meta-spec": {"version": "2.0.0"}})),
        "release_status": broken(lambda m: m.update(release_status="beta")),
    }
    missed = [name for name, m in cases.items() if not validate(m)]
    # and the agreement check sees a version that differs, and a file that is missing
    other = broken(lambda m: m.update(version="9.9.9"))
    if not agreement(other, control, meta.get("version")):
        missed.append("a version that differs from vigil.control")
    gone = broken(lambda m: m["provides"]["vigil"].update(file="no/such/file.control"))
    if not agreement(gone, control, meta.get("version")):
        missed.append("a file that does not exist")
    return missed


def main() -> int:
    with open(os.path.join(ROOT, "META.json"), encoding="utf-8") as f:
        meta = json.load(f)
    control = control_version()
    missed = self_test(meta, control)
    for name in missed:
        print(f"check-meta self-test: a broken META.json was accepted: {name}")
    errors = validate(meta) + agreement(meta, control, library_version())
    for e in errors:
        print(f"META.json: {e}")
    if errors or missed:
        return 1
    print(f"check-meta: META.json follows PGXN Meta Spec 1.0.0 (transcribed checks) and says "
          f"{meta['version']}, as vigil.control and vigil_version() do")
    return 0


if __name__ == "__main__":
    sys.exit(main())

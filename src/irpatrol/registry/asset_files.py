"""Parsers for asset files: CSV, GeoJSON and KML → pole rows and feeder lines (pure; text in).

CSV: a header row with at least ``feeder``, ``pole``, ``lat``, ``lon``; optional ``area``,
``voltage_kv``, ``pole_type``, ``external_id``, ``height_m`` (pole-top height above its foot, m)
and ``ground_m`` (ground elevation at the foot, m, same datum as the take-off points') (RFC 4180
quoting, UTF-8 with or without BOM).
GeoJSON (RFC 7946): a FeatureCollection of Point features with those properties (coordinates
``[lon, lat]``) and optional LineString features giving a feeder's geometry (property ``feeder``).
KML 2.2 (OGC 07-147r2): Placemarks with a Point (``lon,lat[,alt]``) and the same fields as
``ExtendedData`` ``Data``/``SimpleData``; ``pole`` defaults to the Placemark ``name`` and
``feeder`` to the enclosing Folder's name; Placemarks with a LineString give feeder geometry.

Every error is an :class:`ImportRowError` naming the line, feature or placemark and the field.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from typing import Any

from irpatrol.errors import ImportRowError

REQUIRED = ("feeder", "pole", "lat", "lon")
"""Fields every pole row must have."""
OPTIONAL = ("area", "voltage_kv", "pole_type", "external_id", "height_m", "ground_m")
"""Fields a pole row may have."""
VOLTAGE_RANGE_KV = (0.1, 1200.0)
"""Plausible line voltages (kV); anything outside is taken as a typo."""
HEIGHT_RANGE_M = (3.0, 80.0)
"""Plausible pole-top heights (m): distribution poles 8–18 m, towers higher."""
GROUND_RANGE_M = (-450.0, 9000.0)
"""Plausible ground elevations (m): the Dead Sea shore to the highest peaks."""


@dataclass(frozen=True)
class PoleRow:
    """One pole to import; ``where`` names its place in the file (``line 7``, ``feature 3``)."""

    feeder: str
    pole: str
    lat: float
    lon: float
    where: str
    area: str | None = None
    voltage_kv: float | None = None
    pole_type: str | None = None
    external_id: str | None = None
    height_m: float | None = None
    ground_m: float | None = None


@dataclass(frozen=True)
class FeederLine:
    """A feeder's route: ``coords`` as ``[lon, lat]`` pairs (GeoJSON order)."""

    feeder: str
    coords: tuple[tuple[float, float], ...]
    where: str
    area: str | None = None
    voltage_kv: float | None = None


@dataclass(frozen=True)
class AssetFile:
    """Everything a file holds."""

    poles: tuple[PoleRow, ...]
    lines: tuple[FeederLine, ...] = ()


def parse(name: str, data: bytes) -> AssetFile:
    """Parse by file extension (``.csv``, ``.geojson``/``.json``, ``.kml``)."""
    lower = name.lower()
    text = _text(name, data)
    if lower.endswith(".csv"):
        return parse_csv(text, source=name)
    if lower.endswith((".geojson", ".json")):
        return parse_geojson(text, source=name)
    if lower.endswith(".kml"):
        return parse_kml(data, source=name)
    raise ImportRowError("unknown asset file type; expected .csv, .geojson, .json or .kml", source=name)


def _text(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRowError(f"not UTF-8 text (byte {exc.start})", source=name) from None


def _number(value: Any, field: str, where: str, source: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ImportRowError(f"{where}, field {field}: {value!r} is not a number", source=source) from None
    if not math.isfinite(x):
        raise ImportRowError(f"{where}, field {field}: {value!r} is not a finite number", source=source)
    return x


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def make_row(fields: dict[str, Any], where: str, source: str) -> PoleRow:
    """Validate one record's fields into a PoleRow (ImportRowError naming ``where`` and the field)."""
    for f in REQUIRED:
        if _clean(fields.get(f)) is None:
            raise ImportRowError(f"{where}, field {f}: missing", source=source)
    lat = _number(fields["lat"], "lat", where, source)
    lon = _number(fields["lon"], "lon", where, source)
    if not -90.0 <= lat <= 90.0:
        raise ImportRowError(f"{where}, field lat: {lat} outside -90…90°", source=source)
    if not -180.0 <= lon <= 180.0:
        raise ImportRowError(f"{where}, field lon: {lon} outside -180…180°", source=source)
    voltage = None
    if _clean(fields.get("voltage_kv")) is not None:
        voltage = _number(fields["voltage_kv"], "voltage_kv", where, source)
        if not VOLTAGE_RANGE_KV[0] <= voltage <= VOLTAGE_RANGE_KV[1]:
            raise ImportRowError(
                f"{where}, field voltage_kv: {voltage} kV is not a line voltage", source=source
            )
    extra: dict[str, float | None] = {}
    for name, (lo, hi) in (("height_m", HEIGHT_RANGE_M), ("ground_m", GROUND_RANGE_M)):
        extra[name] = None
        if _clean(fields.get(name)) is not None:
            value = _number(fields[name], name, where, source)
            if not lo <= value <= hi:
                raise ImportRowError(f"{where}, field {name}: {value} m outside {lo}…{hi} m", source=source)
            extra[name] = value
    return PoleRow(
        height_m=extra["height_m"],
        ground_m=extra["ground_m"],
        feeder=str(_clean(fields["feeder"])),
        pole=str(_clean(fields["pole"])),
        lat=lat,
        lon=lon,
        where=where,
        area=_clean(fields.get("area")),
        voltage_kv=voltage,
        pole_type=_clean(fields.get("pole_type")),
        external_id=_clean(fields.get("external_id")),
    )


def parse_csv(text: str, *, source: str = "<csv>") -> AssetFile:
    """Pole rows of a CSV file with a header (line numbers count the header as line 1)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRowError("empty file; expected a header row", source=source) from None
    except csv.Error as exc:
        raise ImportRowError(f"line 1: {exc}", source=source) from None
    names = [h.strip().lower() for h in header]
    missing = [f for f in REQUIRED if f not in names]
    if missing:
        raise ImportRowError(f"line 1: header lacks {', '.join(missing)}", source=source)
    rows: list[PoleRow] = []
    line = 1
    try:
        for record in reader:
            line = reader.line_num
            if not any(c.strip() for c in record):
                continue
            if len(record) != len(names):
                raise ImportRowError(
                    f"line {line}: {len(record)} fields, header has {len(names)}", source=source
                )
            rows.append(make_row(dict(zip(names, record, strict=True)), f"line {line}", source))
    except csv.Error as exc:
        raise ImportRowError(f"line {reader.line_num}: {exc}", source=source) from None
    return AssetFile(poles=tuple(rows))


def _coords(value: Any, where: str, source: str) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list) or len(value) < 2:
        raise ImportRowError(f"{where}, field coordinates: a LineString needs ≥ 2 positions", source=source)
    out = []
    for p in value:
        if not isinstance(p, list) or len(p) < 2:
            raise ImportRowError(f"{where}, field coordinates: {p!r} is not a position", source=source)
        out.append((_number(p[0], "lon", where, source), _number(p[1], "lat", where, source)))
    return tuple(out)


def parse_geojson(text: str, *, source: str = "<geojson>") -> AssetFile:
    """Point features → poles, LineString features → feeder lines (features numbered from 1)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRowError(f"line {exc.lineno}: not JSON ({exc.msg})", source=source) from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif (
        isinstance(doc, dict)
        and doc.get("type") == "FeatureCollection"
        and isinstance(doc.get("features"), list)
    ):
        features = doc["features"]
    else:
        raise ImportRowError("not a GeoJSON FeatureCollection", source=source)
    poles: list[PoleRow] = []
    lines: list[FeederLine] = []
    for i, feat in enumerate(features, start=1):
        where = f"feature {i}"
        if not isinstance(feat, dict) or not isinstance(feat.get("geometry"), dict):
            raise ImportRowError(f"{where}, field geometry: missing", source=source)
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            raise ImportRowError(f"{where}, field properties: not an object", source=source)
        geom = feat["geometry"]
        kind = geom.get("type")
        if kind == "Point":
            c = geom.get("coordinates")
            if not isinstance(c, list) or len(c) < 2:
                raise ImportRowError(f"{where}, field coordinates: expected [lon, lat]", source=source)
            poles.append(make_row({**props, "lon": c[0], "lat": c[1]}, where, source))
        elif kind == "LineString":
            feeder = _clean(props.get("feeder")) or _clean(props.get("name"))
            if feeder is None:
                raise ImportRowError(f"{where}, field feeder: missing", source=source)
            voltage = props.get("voltage_kv")
            lines.append(
                FeederLine(
                    feeder=feeder,
                    coords=_coords(geom.get("coordinates"), where, source),
                    where=where,
                    area=_clean(props.get("area")),
                    voltage_kv=None
                    if voltage in (None, "")
                    else _number(voltage, "voltage_kv", where, source),
                )
            )
        else:
            raise ImportRowError(
                f"{where}, field geometry: {kind!r} is not a Point or LineString", source=source
            )
    return AssetFile(poles=tuple(poles), lines=tuple(lines))


def parse_kml(data: bytes, *, source: str = "<kml>") -> AssetFile:
    """Placemarks → poles (Point) and feeder lines (LineString); places named by number and line."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportRowError(f"line {exc.lineno}: not KML ({exc.msg})", source=source) from None
    poles: list[PoleRow] = []
    lines: list[FeederLine] = []
    for i, pm in enumerate(root.iter("{*}Placemark"), start=1):
        where = f"placemark {i} (line {pm.sourceline})"
        fields: dict[str, Any] = {}
        for d in pm.iterfind(".//{*}ExtendedData/{*}Data"):
            value = d.find("{*}value")
            fields[str(d.get("name", "")).strip().lower()] = value.text if value is not None else None
        for d in pm.iterfind(".//{*}ExtendedData//{*}SimpleData"):
            fields[str(d.get("name", "")).strip().lower()] = d.text
        name = pm.findtext("{*}name")
        folder = pm.getparent()
        folder_name = (
            folder.findtext("{*}name") if folder is not None and _local(folder.tag) == "Folder" else None
        )
        point = pm.find(".//{*}Point/{*}coordinates")
        line = pm.find(".//{*}LineString/{*}coordinates")
        if point is not None:
            parts = (point.text or "").strip().split(",")
            if len(parts) < 2:
                raise ImportRowError(f"{where}, field coordinates: expected lon,lat", source=source)
            fields.setdefault("pole", name)
            fields.setdefault("feeder", folder_name)
            fields["lon"], fields["lat"] = parts[0], parts[1]
            poles.append(make_row(fields, where, source))
        elif line is not None:
            feeder = _clean(fields.get("feeder")) or _clean(name) or _clean(folder_name)
            if feeder is None:
                raise ImportRowError(f"{where}, field feeder: missing", source=source)
            pairs = [t.split(",") for t in (line.text or "").split()]
            coords = _coords([p[:2] for p in pairs], where, source)
            lines.append(
                FeederLine(feeder=feeder, coords=coords, where=where, area=_clean(fields.get("area")))
            )
        else:
            raise ImportRowError(f"{where}, field geometry: no Point or LineString", source=source)
    return AssetFile(poles=tuple(poles), lines=tuple(lines))


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]

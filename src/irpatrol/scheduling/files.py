"""File adapters of the scheduling core: county and plan JSON, weather CSV/JSON, take-off point
CSV/GeoJSON, DEM GeoTIFF.

Thin: read or write the file, hand dicts to :mod:`irpatrol.scheduling.core.codec`. Errors name the
file (and the row for CSV).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from irpatrol.errors import InputError
from irpatrol.scheduling.core.codec import (
    county_from_dict,
    county_to_dict,
    plan_from_dict,
    plan_to_dict,
    weather_from_dict,
)
from irpatrol.scheduling.core.dem import Dem
from irpatrol.scheduling.core.model import County, Plan, Site, Weather

GEOKEY_MODEL_TYPE, GEOKEY_RASTER_TYPE, GEOKEY_GEOGRAPHIC_TYPE = 1024, 1025, 2048
"""GeoTIFF 1.1 GeoKeys: GTModelTypeGeoKey (2 = geographic), GTRasterTypeGeoKey (2 = PixelIsPoint),
GeographicTypeGeoKey (4326 = WGS 84)."""


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", source=str(path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not readable JSON: {exc}", source=str(path)) from None


def _dump_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def read_county(path: Path) -> County:
    return county_from_dict(_load_json(path), source=str(path))


def write_county(path: Path, county: County) -> None:
    _dump_json(path, county_to_dict(county))


def read_plan(path: Path) -> Plan:
    return plan_from_dict(_load_json(path), source=str(path))


def write_plan(path: Path, plan: Plan) -> None:
    _dump_json(path, plan_to_dict(plan))


def read_weather(path: Path) -> list[Weather]:
    """A forecast file: CSV with the header ``day,area,rain,wind_m_s`` (day ISO 8601, rain yes/no,
    wind in m/s) and the optional columns ``fog`` (yes/no), ``humidity_pct`` (%) and ``cloud_pct``
    (cloud cover, %), or a JSON list of objects with the same keys."""
    if path.suffix.lower() == ".json":
        rows = _load_json(path)
        if not isinstance(rows, list):
            raise InputError("a weather JSON file must hold a list of {day, area, rain, wind_m_s}",
                             source=str(path))
        return [_row(r, f"{path}: item {i}") for i, r in enumerate(rows)]
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = {"day", "area"} - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"missing column(s) {', '.join(sorted(missing))}", source=str(path))
            return [_row(r, f"{path}: row {i + 2}") for i, r in enumerate(reader)]
    except FileNotFoundError:
        raise InputError("file not found", source=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"not a readable CSV: {exc}", source=str(path)) from None


def _row(r: Any, where: str) -> Weather:
    try:
        w = weather_from_dict(r)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"bad weather entry: {type(exc).__name__}: {exc}", source=where) from None
    if w.wind_m_s < 0:
        raise InputError(f"negative wind {w.wind_m_s} m/s", source=where)
    if w.cloud_pct is not None and not 0.0 <= w.cloud_pct <= 100.0:
        raise InputError(f"cloud cover {w.cloud_pct} % is not in 0…100 %", source=where)
    return w


def read_takeoffs(path: Path) -> list[Site]:
    """Take-off points: CSV with the header ``name,lat,lon`` and optional ``area`` and ``ground_m``
    (m), or a GeoJSON FeatureCollection of Points with the same properties (coordinates
    ``[lon, lat(, elevation)]``; an elevation counts as ``ground_m`` when the property is absent)."""
    rows: list[tuple[dict[str, Any], str]] = []
    if path.suffix.lower() in (".json", ".geojson"):
        doc = _load_json(path)
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            raise InputError("a take-off GeoJSON file must be a FeatureCollection of Points",
                             source=str(path))
        for i, f in enumerate(doc.get("features") or ()):
            geom = (f or {}).get("geometry") or {}
            if geom.get("type") != "Point":
                raise InputError(f"feature {i}: not a Point", source=str(path))
            c = list(geom.get("coordinates") or ())
            props = dict((f or {}).get("properties") or {})
            rec = {**props, "lon": c[0] if c else None, "lat": c[1] if len(c) > 1 else None}
            if len(c) > 2 and props.get("ground_m") is None:
                rec["ground_m"] = c[2]
            rows.append((rec, f"{path}: feature {i}"))
    else:
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
                if missing:
                    raise InputError(f"missing column(s) {', '.join(sorted(missing))}", source=str(path))
                rows = [(r, f"{path}: row {i + 2}") for i, r in enumerate(reader)]
        except FileNotFoundError:
            raise InputError("file not found", source=str(path)) from None
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise InputError(f"not a readable CSV: {exc}", source=str(path)) from None
    out = [_site(r, where) for r, where in rows]
    names = [s.id for s in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"take-off point name(s) repeated: {', '.join(dup[:5])}", source=str(path))
    return out


def _site(r: dict[str, Any], where: str) -> Site:
    try:
        name = str(r.get("name") or "").strip()
        if not name:
            raise ValueError("name is missing")
        lat, lon = float(r["lat"]), float(r["lon"])
        g = r.get("ground_m")
        ground = float(g) if g not in (None, "") else None
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"bad take-off point: {exc}", source=where) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"coordinates {lat}, {lon} out of range", source=where)
    if ground is not None and not -450.0 <= ground <= 9000.0:
        raise InputError(f"ground_m {ground} m is not a ground elevation", source=where)
    return Site(id=name, lat=lat, lon=lon, area=str(r.get("area") or "").strip(), ground_m=ground)


def read_dem(path: Path) -> Dem:
    """A DEM GeoTIFF in geographic WGS84 coordinates (EPSG:4326), read with tifffile: band 1,
    ModelTiepoint + ModelPixelScale geo-referencing, GDAL_NODATA honoured. A projected DEM is
    refused with the reason (reproject it first, e.g. ``gdalwarp -t_srs EPSG:4326``)."""
    import numpy as np
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages.first
            tags = {t.code: t.value for t in page.tags.values()}
            values = page.asarray()
    except FileNotFoundError:
        raise InputError("file not found", source=str(path)) from None
    except (OSError, ValueError, tifffile.TiffFileError) as exc:
        raise InputError(f"not a readable TIFF: {exc}", source=str(path)) from None
    scale, tie, keys = tags.get(33550), tags.get(33922), tags.get(34735)
    if scale is None or tie is None or keys is None:
        raise InputError("not a GeoTIFF (no ModelPixelScale/ModelTiepoint/GeoKeyDirectory tags)",
                         source=str(path))
    geokeys = {int(keys[i]): int(keys[i + 3])  # keys stored inline (TIFFTagLocation 0)
               for i in range(4, 4 + 4 * int(keys[3]), 4) if int(keys[i + 1]) == 0}
    if geokeys.get(GEOKEY_MODEL_TYPE) != 2 or geokeys.get(GEOKEY_GEOGRAPHIC_TYPE, 4326) != 4326:
        raise InputError("the DEM is not in geographic WGS84 coordinates (EPSG:4326); reproject it "
                         "first (e.g. gdalwarp -t_srs EPSG:4326)", source=str(path))
    if values.ndim == 3:
        values = values[..., 0] if values.shape[-1] <= 4 else values[0]
    nodata = tags.get(42113)
    try:
        nd = float(str(nodata).strip("\x00 ")) if nodata is not None else None
    except ValueError:
        nd = None
    dlon, dlat = float(scale[0]), float(scale[1])
    return Dem(values=np.asarray(values, dtype=np.float64), lon0=float(tie[3]) - float(tie[0]) * dlon,
               lat0=float(tie[4]) + float(tie[1]) * dlat, dlon=dlon, dlat=dlat,
               pixel_is_point=geokeys.get(GEOKEY_RASTER_TYPE) == 2, nodata=nd)

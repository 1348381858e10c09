"""Ground elevation from a digital elevation model: a north-up raster in geographic coordinates
(WGS84 degrees), sampled with bilinear interpolation (pure numpy).

The raster's geo-referencing is the GeoTIFF one (OGC GeoTIFF 1.1, §B.6 "ModelTiepointTag" and
"ModelPixelScaleTag"): the tie point maps raster (i, j) to (lon, lat), the pixel scale gives the
size of a pixel in degrees; rows run southwards. ``pixel_is_point`` (RasterPixelIsPoint, GeoTIFF
§B.4.2) says whether the tie point is a pixel's centre (SRTM/Copernicus DEM style) or its corner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from irpatrol.errors import ParameterError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Dem:
    """Elevations (m) on a north-up grid: ``values[row, col]``; ``lon0``/``lat0`` the position of
    the tie point of pixel (0, 0) (its corner, or its centre when ``pixel_is_point``), ``dlon``/
    ``dlat`` the pixel size (degrees, both > 0), ``nodata`` the value that marks no data."""

    values: FloatArray
    lon0: float
    lat0: float
    dlon: float
    dlat: float
    pixel_is_point: bool = False
    nodata: float | None = None

    def __post_init__(self) -> None:
        if self.values.ndim != 2 or self.dlon <= 0 or self.dlat <= 0:
            raise ParameterError("a DEM needs a 2-D grid and positive pixel sizes")

    def sample(self, lat: FloatArray, lon: FloatArray) -> FloatArray:
        """Bilinear elevation (m) at each point; NaN outside the grid or next to no-data."""
        lat = np.asarray(lat, dtype=np.float64)
        lon = np.asarray(lon, dtype=np.float64)
        half = 0.0 if self.pixel_is_point else 0.5
        rows, cols = self.values.shape
        # clip away rounding noise at the grid's edge (1e-9 of a pixel)
        col = (lon - self.lon0) / self.dlon - half
        row = (self.lat0 - lat) / self.dlat - half
        col = np.where(np.abs(col) < 1e-9, 0.0, np.where(np.abs(col - (cols - 1)) < 1e-9, cols - 1.0, col))
        row = np.where(np.abs(row) < 1e-9, 0.0, np.where(np.abs(row - (rows - 1)) < 1e-9, rows - 1.0, row))
        c0 = np.floor(col).astype(np.int64)
        r0 = np.floor(row).astype(np.int64)
        # points on the last row/column: step back one cell (its weight then is 1)
        c0 = np.clip(c0, 0, max(cols - 2, 0))
        r0 = np.clip(r0, 0, max(rows - 2, 0))
        edge = (col >= 0) & (row >= 0) & (col <= cols - 1) & (row <= rows - 1)
        fc, fr = col - c0, row - r0
        v = self.values.astype(np.float64)
        if self.nodata is not None:
            v = np.where(v == self.nodata, np.nan, v)
        c1, r1 = np.minimum(c0 + 1, cols - 1), np.minimum(r0 + 1, rows - 1)
        out = (v[r0, c0] * (1 - fc) * (1 - fr) + v[r0, c1] * fc * (1 - fr)
               + v[r1, c0] * (1 - fc) * fr + v[r1, c1] * fc * fr)
        return np.where(edge, out, np.nan)

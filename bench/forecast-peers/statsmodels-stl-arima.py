#!/usr/bin/python3
"""Peer runner: statsmodels STL + ARIMA on one series, for the forecast benchmark.

    /usr/bin/python3 bench/forecast-peers/statsmodels-stl-arima.py input.json output.json

input:  {"values": [number|null, ...], "step": seconds, "horizon": points, "level": 0.95}
output: {"forecast": [...], "lower": [...], "upper": [...], "fitMs": ms, "model": "..."}

statsmodels 0.13 (Debian) has no MSTL and no automatic order search, so this is STLForecast with
the daily period (when two days are at hand) and a fixed ARIMA(1,1,1) on the seasonally adjusted
series; without a usable period, ARIMA(1,1,1) on the raw series. Gaps are linearly interpolated.
fitMs times the fit and forecast only. Use the system python (/usr/bin/python3): it has the
Debian statsmodels.
"""
import json
import sys
import time
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.forecasting.stl import STLForecast


def main(source: str, target: str) -> None:
    with open(source) as f:
        spec = json.load(f)
    values = pd.Series([np.nan if v is None else float(v) for v in spec["values"]]).interpolate(limit_direction="both")
    horizon = int(spec.get("horizon", 60))
    alpha = 1 - float(spec.get("level", 0.95))
    period = round(86400 / float(spec["step"]))
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    if 2 <= period and 2 * period < len(values):
        model = STLForecast(values, ARIMA, model_kwargs={"order": (1, 1, 1)}, period=period).fit()
        name = f"STL[{period}] + ARIMA(1,1,1)"
    else:
        model = ARIMA(values, order=(1, 1, 1)).fit()
        name = "ARIMA(1,1,1)"
    fc = model.get_prediction(start=len(values), end=len(values) + horizon - 1)
    mean = np.asarray(fc.predicted_mean)
    interval = np.asarray(fc.conf_int(alpha=alpha))
    fit_ms = 1000 * (time.perf_counter() - started)
    with open(target, "w") as f:
        json.dump(
            {
                "forecast": mean.tolist(),
                "lower": interval[:, 0].tolist(),
                "upper": interval[:, 1].tolist(),
                "fitMs": fit_ms,
                "model": name,
            },
            f,
        )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: statsmodels-stl-arima.py input.json output.json")
    main(sys.argv[1], sys.argv[2])

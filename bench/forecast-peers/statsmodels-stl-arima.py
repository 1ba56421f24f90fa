#!/usr/bin/python3
"""Peer runner: statsmodels STL + ARIMA on one series, for the forecast benchmark.

    /usr/bin/python3 bench/forecast-peers/statsmodels-stl-arima.py input.json output.json

input:  {"values": [number|null, ...], "step": seconds, "horizon": points, "level": 0.95,
         "periods": [points, ...] (optional), "observed": [...] (optional)}
output: {"forecast": [...], "lower": [...], "upper": [...], "fitMs": ms, "model": "...",
         "band": {"forecast", "lower", "upper"} when "observed" was given}

statsmodels 0.13 (Debian) has no MSTL and no automatic order search, so this is STLForecast with
one period (the shortest of `periods` when given, else the day when two days are at hand) and a
fixed ARIMA(1,1,1) on the seasonally adjusted series; without a usable period, ARIMA(1,1,1) on the
raw series. Gaps are linearly interpolated. With `observed`, the one-step band over it keeps the
fitted parameters (ARIMAResults.append(refit=False)) on the seasonally adjusted observed values,
the seasonal part carried forward as STLForecast forecasts it. fitMs times the fit and forecast
only. Use the system python (/usr/bin/python3): it has the Debian statsmodels.
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
    periods = spec.get("periods")
    period = min(periods) if periods else round(86400 / float(spec["step"]))
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    seasonal = periods != [] and 2 <= period and 2 * period < len(values)
    if seasonal:
        model = STLForecast(values, ARIMA, model_kwargs={"order": (1, 1, 1)}, period=period).fit()
        arima = model.model_result
        name = f"STL[{period}] + ARIMA(1,1,1)"
    else:
        model = ARIMA(values, order=(1, 1, 1)).fit()
        arima = model
        name = "ARIMA(1,1,1)"
    fc = model.get_prediction(start=len(values), end=len(values) + horizon - 1)
    mean = np.asarray(fc.predicted_mean)
    interval = np.asarray(fc.conf_int(alpha=alpha))
    fit_ms = 1000 * (time.perf_counter() - started)
    result = {
        "forecast": mean.tolist(),
        "lower": interval[:, 0].tolist(),
        "upper": interval[:, 1].tolist(),
        "fitMs": fit_ms,
        "model": name,
    }
    if spec.get("observed") is not None:
        observed = pd.Series([np.nan if v is None else float(v) for v in spec["observed"]])
        m = len(observed)
        season = np.zeros(m)
        if seasonal:
            season = np.asarray(model.forecast(m)) - np.asarray(arima.forecast(m))
        adjusted = (observed.to_numpy() - season)
        adjusted = pd.Series(adjusted).interpolate(limit_direction="both").to_numpy()
        extended = arima.append(adjusted, refit=False)
        one = extended.get_prediction(start=len(values), end=len(values) + m - 1)
        band = np.asarray(one.conf_int(alpha=alpha))
        result["band"] = {
            "forecast": (np.asarray(one.predicted_mean) + season).tolist(),
            "lower": (band[:, 0] + season).tolist(),
            "upper": (band[:, 1] + season).tolist(),
        }
    with open(target, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: statsmodels-stl-arima.py input.json output.json")
    main(sys.argv[1], sys.argv[2])

#!/usr/bin/env Rscript
# Peer runner: R forecast::stlf(method = "arima") on one series, for the forecast benchmark.
#
#   Rscript bench/forecast-peers/r-stlf-arima.R input.json output.json
#
# input:  {"values": [number|null, ...], "step": seconds, "horizon": points, "level": 0.95}
#         (horizon defaults to 60, level to 0.95)
# output: {"forecast": [...], "lower": [...], "upper": [...], "fitMs": ms, "model": "..."}
#
# Seasonal periods follow the engine's rule: a day in points, and a week once two weeks are at
# hand; a period needs two full cycles. With none usable (e.g. one day of minute data) stlf cannot
# run and auto.arima on the raw series answers, as the engine's non-seasonal path does. fitMs
# times the fit and forecast only, not R's start-up or package loading.
suppressMessages(library(forecast))
script_dir <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
source(file.path(script_dir, "json.R"))

args <- commandArgs(TRUE)
if (length(args) != 2) stop("usage: r-stlf-arima.R input.json output.json")
text <- json_text(args[1])
values <- json_get_array(text, "values")
step <- json_get_number(text, "step")
horizon <- json_get_number(text, "horizon", 60)
level <- 100 * json_get_number(text, "level", 0.95)

n <- length(values)
periods <- c(round(86400 / step), round(7 * 86400 / step))
periods <- periods[periods >= 2 & periods < n / 2]
if (round(7 * 86400 / step) * 2 > n) periods <- periods[periods != round(7 * 86400 / step)]

elapsed <- system.time({
  if (length(periods) > 0) {
    x <- msts(values, seasonal.periods = periods)
    fc <- stlf(x, method = "arima", h = horizon, level = level)
  } else {
    fc <- forecast(auto.arima(na.interp(ts(values))), h = horizon, level = level)
  }
})[["elapsed"]]

writeLines(json_obj(
  forecast = json_arr(as.numeric(fc$mean)),
  lower = json_arr(as.numeric(fc$lower[, 1])),
  upper = json_arr(as.numeric(fc$upper[, 1])),
  fitMs = json_num(1000 * elapsed),
  model = json_str(fc$method)
), args[2])

#!/usr/bin/env Rscript
# Peer runner: R forecast::stlf(method = "arima") on one series, for the forecast benchmark.
#
#   Rscript bench/forecast-peers/r-stlf-arima.R input.json output.json
#
# input:  {"values": [number|null, ...], "step": seconds, "horizon": points, "level": 0.95,
#          "periods": [points, ...] (optional), "observed": [...] (optional)}
#         (horizon defaults to 60, level to 0.95)
# output: {"forecast": [...], "lower": [...], "upper": [...], "fitMs": ms, "model": "...",
#          "band": {"forecast", "lower", "upper"} when "observed" was given}
#
# Seasonal periods are `periods` when given (the shape suite tells the peers the true ones);
# otherwise the engine's former rule: a day in points, and a week once two weeks are at hand. A
# period needs two full cycles. With none usable stlf cannot run and auto.arima on the raw series
# answers. With `observed`, the one-step band over it holds the fitted parameters fixed: the
# ARIMA is re-filtered (Arima(model = fit)) over the seasonally adjusted observed values and the
# seasonal part is carried forward as stlf forecasts it. fitMs times the fit and forecast only,
# not R's start-up or package loading.
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
observed <- if (grepl('"observed"', text)) json_get_array(text, "observed") else NULL

n <- length(values)
if (grepl('"periods"', text)) {
  periods <- json_get_array(text, "periods")
} else {
  periods <- c(round(86400 / step), round(7 * 86400 / step))
  if (round(7 * 86400 / step) * 2 > n) periods <- periods[periods != round(7 * 86400 / step)]
}
periods <- periods[periods >= 2 & periods < n / 2]

elapsed <- system.time({
  if (length(periods) > 0) {
    x <- msts(na.interp(values), seasonal.periods = periods)
    fc <- stlf(x, method = "arima", h = horizon, level = level)
    arima <- fc$model
  } else {
    arima <- auto.arima(na.interp(ts(values)))
    fc <- forecast(arima, h = horizon, level = level)
  }
})[["elapsed"]]

fields <- list(
  forecast = json_arr(as.numeric(fc$mean)),
  lower = json_arr(as.numeric(fc$lower[, 1])),
  upper = json_arr(as.numeric(fc$upper[, 1])),
  fitMs = json_num(1000 * elapsed),
  model = json_str(fc$method)
)
if (!is.null(observed)) {
  m <- length(observed)
  # The seasonal part stlf adds to the ARIMA forecast, over the observed stretch.
  seasonal <- if (length(periods) > 0) {
    as.numeric(forecast(fc, h = m)$mean) - as.numeric(forecast(arima, h = m)$mean)
  } else {
    rep(0, m)
  }
  adjusted <- as.numeric(arima$x)
  filled <- as.numeric(na.interp(c(adjusted, observed - seasonal)))
  refit <- Arima(filled, model = arima)
  one <- as.numeric(fitted(refit))[(length(adjusted) + 1):(length(adjusted) + m)] + seasonal
  half <- qnorm(0.5 + level / 200) * sqrt(arima$sigma2)
  fields$band <- json_obj(forecast = json_arr(one), lower = json_arr(one - half), upper = json_arr(one + half))
}
writeLines(do.call(json_obj, fields), args[2])

#!/usr/bin/env Rscript
# Reference values for the forecasting engine's unit tests, computed once with R's forecast
# package and committed as sidecar/src/forecast/__fixtures__/r-reference.json. The series are
# simulated here (fixed seed) and written into the fixture, so the tests need no R.
#
#   Rscript bench/forecast-peers/make-fixtures.R [output.json]
#
# Re-run only when the cases change; the tests compare against the committed file.
suppressMessages(library(forecast))
script_dir <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
source(file.path(script_dir, "json.R"))

out <- commandArgs(TRUE)[1]
if (is.na(out)) out <- file.path(script_dir, "..", "..", "sidecar", "src", "forecast", "__fixtures__", "r-reference.json")
set.seed(20240601)

# 1. stats::stl with s.window = 11 (what mstl uses for its first period): hourly, daily cycle.
n1 <- 24 * 21
x1 <- 50 + cumsum(rnorm(n1, 0, 0.2)) + 10 * sin(2 * pi * (1:n1) / 24) + 3 * cos(4 * pi * (1:n1) / 24) +
  as.numeric(arima.sim(list(ar = 0.6), n1))
stl1 <- stl(ts(x1, frequency = 24), s.window = 11)
stl_case <- json_obj(
  values = json_arr(x1), period = json_num(24), seasonalWindow = json_num(11),
  seasonal = json_arr(stl1$time.series[, "seasonal"]), trend = json_arr(stl1$time.series[, "trend"])
)

# 2. forecast::mstl with a daily and a weekly period: four weeks of hourly data.
n2 <- 168 * 4
t2 <- 1:n2
x2 <- 100 + 0.01 * t2 + 15 * sin(2 * pi * t2 / 24) + ifelse(((t2 - 1) %/% 24) %% 7 >= 5, -8, 0) +
  as.numeric(arima.sim(list(ar = 0.5), n2, sd = 2))
m2 <- mstl(msts(x2, seasonal.periods = c(24, 168)))
mstl_case <- json_obj(
  values = json_arr(x2), periods = json_arr(c(24, 168)),
  trend = json_arr(m2[, "Trend"]), seasonal24 = json_arr(m2[, "Seasonal24"]),
  seasonal168 = json_arr(m2[, "Seasonal168"]), remainder = json_arr(m2[, "Remainder"])
)

# 3. forecast::Arima with fixed orders by conditional sum of squares, 10-step forecasts, 95%.
arima_case <- function(name, x, order, mean) {
  fit <- Arima(x, order = order, include.mean = mean, method = "CSS")
  fc <- forecast(fit, h = 10, level = 95)
  co <- coef(fit)
  ar <- if (order[1] > 0) co[paste0("ar", seq_len(order[1]))] else numeric(0)
  ma <- if (order[3] > 0) co[paste0("ma", seq_len(order[3]))] else numeric(0)
  json_obj(
    name = json_str(name), values = json_arr(x), order = json_arr(order),
    phi = json_arr(ar), theta = json_arr(ma), mean = json_num(if (mean) co["intercept"] else 0),
    sigma2 = json_num(fit$sigma2),
    forecast = json_arr(fc$mean), lower = json_arr(fc$lower[, 1]), upper = json_arr(fc$upper[, 1])
  )
}
x3 <- 100 + as.numeric(arima.sim(list(ar = 0.7, ma = 0.3), 800))
x4 <- 200 + cumsum(as.numeric(arima.sim(list(ar = 0.5, ma = -0.3), 800)))
x5 <- 50 + cumsum(as.numeric(arima.sim(list(ma = 0.4), 800)))
arima_cases <- c(
  arima_case("arma11-mean", x3, c(1, 0, 1), TRUE),
  arima_case("arima111", x4, c(1, 1, 1), FALSE),
  arima_case("arima211", x4, c(2, 1, 1), FALSE),
  arima_case("arima011", x5, c(0, 1, 1), FALSE)
)

# 4. stlf(method = "arima"): two weeks hourly with a daily cycle, one day ahead.
n4 <- 24 * 14 + 24
t4 <- 1:n4
x6 <- 300 + cumsum(rnorm(n4, 0, 0.3)) + 40 * sin(2 * pi * t4 / 24) + 10 * sin(4 * pi * t4 / 24) +
  as.numeric(arima.sim(list(ar = 0.6), n4, sd = 3))
train6 <- x6[1:(24 * 14)]
fc6 <- stlf(ts(train6, frequency = 24), method = "arima", h = 24, level = 95)
stlf_case <- json_obj(
  values = json_arr(train6), future = json_arr(x6[(24 * 14 + 1):n4]), stepSeconds = json_num(3600),
  model = json_str(fc6$method), forecast = json_arr(fc6$mean),
  lower = json_arr(fc6$lower[, 1]), upper = json_arr(fc6$upper[, 1])
)

writeLines(
  json_obj(
    generator = json_str(sprintf("bench/forecast-peers/make-fixtures.R with forecast %s, %s",
                                 packageVersion("forecast"), R.version.string)),
    stl = stl_case, mstl = mstl_case,
    arima = paste0("[", paste(arima_cases, collapse = ","), "]"),
    stlf = stlf_case
  ),
  out
)
cat("wrote", out, "\n")

package dev.tidemark.ops;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Exports Tidemark's per-batch figures as Spark metrics: a driver plugin whose metrics registry
 * (Spark source {@code plugin.dev.tidemark.ops.TidemarkMetricsPlugin}) {@link PipelineMetrics}
 * fills from every micro-batch's progress. Every Spark metrics sink sees them, e.g. the
 * PrometheusServlet on the driver UI's {@code /metrics/prometheus}. Enabled by {@code
 * spark.plugins} in the defaults inside the jar; executors run nothing.
 */
public final class TidemarkMetricsPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return new Driver();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return null;
  }

  /** Hands the plugin's registry to {@link PipelineMetrics}. */
  static final class Driver implements DriverPlugin {
    @Override
    public Map<String, String> init(SparkContext sc, PluginContext ctx) {
      return Map.of();
    }

    @Override
    public void registerMetrics(String appId, PluginContext ctx) {
      PipelineMetrics.attach(ctx.metricRegistry());
    }

    @Override
    public void shutdown() {
      PipelineMetrics.detach();
    }
  }
}

package dev.tidemark.local;

import java.util.Random;

/**
 * Picks one of {@code n} items with given relative weights. {@link #zipf} gives Zipf-like skew:
 * item k has weight 1 / (k+1)^exponent, so a few keys are hot and most are rare, as with pages and
 * devices.
 */
final class SkewedChoice {
  private final double[] cumulative;

  /** Zipf-like: item k has weight 1 / (k+1)^exponent (exponent 0: uniform). */
  SkewedChoice(int n, double exponent) {
    this(zipf(n, exponent));
  }

  /** Item k has relative weight {@code weights[k]} (non-negative, not all zero). */
  SkewedChoice(double[] weights) {
    cumulative = new double[weights.length];
    double sum = 0;
    for (int k = 0; k < weights.length; k++) {
      sum += weights[k];
      cumulative[k] = sum;
    }
    for (int k = 0; k < weights.length; k++) {
      cumulative[k] /= sum;
    }
  }

  /** The Zipf weights 1 / (k+1)^exponent of {@code n} items. */
  static double[] zipf(int n, double exponent) {
    double[] weights = new double[n];
    for (int k = 0; k < n; k++) {
      weights[k] = 1.0 / Math.pow(k + 1, exponent);
    }
    return weights;
  }

  int size() {
    return cumulative.length;
  }

  int next(Random random) {
    double u = random.nextDouble();
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}

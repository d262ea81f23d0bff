package dev.tidemark.local;

import java.util.Random;

/**
 * Picks one of {@code n} items with Zipf-like skew: item k has weight 1 / (k+1)^exponent, so a few
 * keys are hot and most are rare, as with real cards, devices and pages.
 */
final class SkewedChoice {
  private final double[] cumulative;

  SkewedChoice(int n, double exponent) {
    cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, exponent);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
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

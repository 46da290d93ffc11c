// Source: libwebrtc LinkCapacityEstimator (modules/remote_bitrate_estimator/aimd_rate_control.cc).
//
// What the link carried when the last overuses were detected, as a running mean and a normalised
// variance. The AIMD controller increases additively while its rate is within 3 deviations of this
// mean (near convergence) and multiplicatively once it has left that band (far from it).

export class LinkCapacityEstimator {
  private estimateKbps: number | null = null;
  /** Variance normalised by the estimate (kbps), clamped to [0.4, 2.5] as in libwebrtc. */
  private deviationKbps = 0.4;

  get hasEstimate(): boolean {
    return this.estimateKbps !== null;
  }

  get estimateBps(): number | null {
    return this.estimateKbps === null ? null : this.estimateKbps * 1000;
  }

  upperBoundBps(): number {
    return this.estimateKbps === null ? Infinity : (this.estimateKbps + 3 * this.deviationEstimateKbps()) * 1000;
  }

  lowerBoundBps(): number {
    return this.estimateKbps === null ? 0 : Math.max(0, this.estimateKbps - 3 * this.deviationEstimateKbps()) * 1000;
  }

  reset(): void {
    this.estimateKbps = null;
  }

  /** The acknowledged rate at an overuse: a slow-moving sample (alpha 0.05). */
  onOveruseDetected(ackedBps: number): void {
    this.update(ackedBps, 0.05);
  }

  private update(sampleBps: number, alpha: number): void {
    const sampleKbps = sampleBps / 1000;
    this.estimateKbps = this.estimateKbps === null ? sampleKbps : (1 - alpha) * this.estimateKbps + alpha * sampleKbps;
    const norm = Math.max(this.estimateKbps, 1);
    const error = this.estimateKbps - sampleKbps;
    this.deviationKbps = (1 - alpha) * this.deviationKbps + (alpha * error * error) / norm;
    this.deviationKbps = Math.min(2.5, Math.max(0.4, this.deviationKbps));
  }

  private deviationEstimateKbps(): number {
    return Math.sqrt(this.deviationKbps * (this.estimateKbps ?? 0));
  }
}

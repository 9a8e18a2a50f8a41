/**
 * What the mechanisms of the system under test allow a figure to be, derived from its configuration
 * before anything runs (kube-vip's lease timings, Keepalived's timers): a report shows it beside
 * the measured figure, and a figure outside it is a finding.
 */
export interface PredictedWindow {
  /** The earliest and latest failover the mechanisms allow, ms after T_f. */
  fromMs: number;
  toMs: number;
  /** Each term of the bound, in words, for the report. */
  terms: string[];
  /** Where the settings came from ("scenario lab.kubeVip", "/etc/kubernetes/manifests/kube-vip.yaml on cp-1"). */
  source: string;
}

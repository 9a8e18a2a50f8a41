import { exitCodeTable } from "./exit-codes.js";

/** The exit codes, for the end of --help: the one table in exit-codes.ts. */
export function exitCodesHelp(): string {
  return `\nExit codes (the most serious one when several scenarios run):\n${exitCodeTable()}\n`;
}

/** After `vipdrill --help`: what people type first, then the exit codes. */
export function programHelp(): string {
  return `
Examples:
  vipdrill run                                   the default drill: pull the VIP owner's link on the built-in lab
  vipdrill run keepalived-stop-vip-owner drain-control-plane --keep-lab
  vipdrill validate                              check every shipped scenario; changes nothing
  vipdrill validate --inventory staging.yaml     check an inventory (and its CA and key files)
  vipdrill plan --inventory staging.yaml         every command for every host, in order; contacts nobody
  vipdrill run --inventory staging.yaml -y       drill real hosts over SSH without asking (CI)
  vipdrill run --json > result.json              one JSON document on stdout; people's output on stderr
  vipdrill lab up                                keep a lab running between drills (lab status, lab down)
  vipdrill run --keepalived-conf change/keepalived.conf --haproxy-cfg change/haproxy.cfg
                                                 the change's own files on the lab, checked by the daemons first
  vipdrill sweep --set keepalived.advert_int=1,0.5,2 link-pull-vip-owner
                                                 every value drilled on one lab, beside its predicted window
${exitCodesHelp()}
Reports: reports/<time>-<scenario>/ (report.json, summary.md, junit.xml, report.html); reports/latest is the newest.
`;
}

/** After `vipdrill run --help`. */
export function runHelp(): string {
  return `
Examples:
  vipdrill run                                   the default drill on the built-in lab (built and started when needed)
  vipdrill run scenarios/haproxy-stop-vip-owner.yaml --reports /tmp/drills
  vipdrill run --inventory staging.yaml --yes    real hosts over SSH: connect, preflight, plan, then drill
  vipdrill run --json | jq .scenarios[0].verdict
${exitCodesHelp()}
A run that ends before its drill still writes junit.xml and summary.md saying why.
`;
}

/** What to do about a failed `sudo -n true`, by what sudo said. */
export function sudoAdvice(said: string, user: string): string {
  const asRoot = "or log in as root (ssh.user: root, ssh.sudo: false)";
  if (/\btty\b/i.test(said)) return `sudo there wants a terminal (Defaults requiretty): add \`Defaults:${user} !requiretty\` to its sudoers, ${asRoot}`;
  if (/not found|no such file/i.test(said)) return `sudo is not installed there: install it, ${asRoot}`;
  if (/not in the sudoers|not allowed|may not run/i.test(said)) return `${user} may not use sudo there: give it passwordless sudo (NOPASSWD), ${asRoot}`;
  return `vipdrill runs every command through sudo -n, which never asks for a password — give ${user} passwordless sudo on the host (NOPASSWD), ${asRoot}`;
}

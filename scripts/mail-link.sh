#!/bin/sh
# The newest link in the local mailbox `make run` writes to (activation, password reset, e-mail
# change), so a first session needs no mail client: `make mail` in a second terminal.
# MAIL_DIR overrides the folder (default: data/mail).
set -eu
dir="${MAIL_DIR:-data/mail}"
newest=$(ls -t "$dir"/*.eml 2>/dev/null | head -1 || true)
if [ -z "$newest" ]; then
  echo "make mail: no mail in $dir yet (register or ask for a reset first)" >&2
  exit 1
fi
# Quoted-printable soft line breaks (=\r\n) are joined before the link is looked for.
link=$(sed -e ':a' -e '/=\r\{0,1\}$/{N;s/=\r\{0,1\}\n//;ba' -e '}' "$newest" | tr -d '\r' \
       | grep -o 'https\{0,1\}://[^ <>"]*/\(activate\|reset\|confirm-email\)/[^ <>"]*' | tail -1 || true)
if [ -z "$link" ]; then
  echo "make mail: the newest mail ($newest) has no link" >&2
  exit 1
fi
echo "$(grep -m1 '^Subject:' "$newest" | tr -d '\r')"
echo "$link"

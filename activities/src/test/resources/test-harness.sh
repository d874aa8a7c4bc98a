#!/bin/sh
# A stand-in agent harness for tests: counts its starts, reads its prompt, does what ACTION says
# to the working copy and prints a summary. GO, when set, makes it wait for that file first.
echo "start $$" >> "$MARKER"
prompt=$(cat)
cp "$TALLY_PROMPT_FILE" "$MARKER.prompt"
if [ -n "$GO" ]; then
  while [ ! -f "$GO" ]; do sleep 0.05; done
fi
case "$ACTION" in
  edit) printf 'hello from the harness\n' >> README.md ;;
  forbidden) mkdir -p secrets && printf 'x\n' > secrets/token.txt ;;
  many) i=0; while [ $i -lt 30 ]; do echo "line $i" >> big.txt; i=$((i+1)); done ;;
  secret) printf 'aws_access_key_id=%s\n' "$FAKE_KEY" >> config.txt ;;
  none) ;;
  fail) echo "boom: cannot continue" >&2; exit 3 ;;
  sleep) sleep 300 & echo $! > "$MARKER.child"; echo $$ > "$MARKER.self"; wait ;;
  usage)
    printf '{"inputTokens":1000,"outputTokens":200,"costUsd":0.05,"model":"m1"}' > "$TALLY_USAGE_FILE"
    printf 'hello\n' >> README.md ;;
esac
echo "did $ACTION for: $(printf '%s' "$prompt" | head -c 60)"

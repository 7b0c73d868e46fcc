/* The usage text, one block per subcommand: what `dwctl help` prints and what
 * a bad argument earns (on stderr, exit 64). */
#include <string.h>

#include "dwctl.h"

static const char send_usage[] = "usage: dwctl send [options] FILE...\n"
                                 "       dwctl send [options] --raw-hex HEX\n"
                                 "\n"
                                 "Reads YAML files, each a sequence of messages {type, id, src, ts, body}, builds\n"
                                 "and encodes every message against the schema, sends them to dw-intake and waits\n"
                                 "for every ack. Prints one line per refused message and a summary:\n"
                                 "  sent N, stored N, duplicate N, refused N, local errors N, unanswered N\n"
                                 "\n"
                                 "  --endpoint EP     dw-intake's ROUTER (default tcp://127.0.0.1:7401)\n"
                                 "  --src SRC         src of messages that name none (default dwctl)\n"
                                 "  --window N        most messages unacked at once (default 1000)\n"
                                 "  --timeout-ms MS   give up when no ack has come for MS ms (default 30000)\n"
                                 "  --retries N       send again a message refused busy or internal, up to N\n"
                                 "                    times (default 3)\n"
                                 "  --strict          exit 1 when any message is refused\n"
                                 "  --quiet           no line per refused message, only the summary\n"
                                 "  --dry-run         build and encode every message, send nothing\n"
                                 "  --raw-hex HEX     send HEX as one message, unchecked, and print its ack\n"
                                 "\n"
                                 "A message without ts gets the time dwctl started, in unix ms. A first SIGINT\n"
                                 "stops sending and waits for the acks of what was sent; a second gives up.\n"
                                 "Exit status: 0 every message answered (refusals included), 1 refused with\n"
                                 "--strict, 2 unanswered messages or local errors, 64 bad arguments.\n";

static const char watch_usage[] = "usage: dwctl watch [options]\n"
                                  "\n"
                                  "Subscribes to dw-notify and prints one line per event as it arrives, with none\n"
                                  "missed: a stream whose sequence number skips, or whose head in a heartbeat is\n"
                                  "beyond the last event printed, is caught up from dw-notify's replay endpoint\n"
                                  "(\"gap in stream alert repaired from replay: 5..7 (3 events)\"), and an event\n"
                                  "the live feed gives again after a replay is printed once. A replay that does\n"
                                  "not work is a warning, and the watch goes on with the live feed.\n"
                                  "\n"
                                  "  --endpoint EP         dw-notify's PUB (default tcp://127.0.0.1:7405)\n"
                                  "  --replay-endpoint EP  dw-notify's replay ROUTER (default tcp://127.0.0.1:7406)\n"
                                  "  --topic PREFIX        subscribe to a topic prefix, repeatable (default: all)\n"
                                  "  --from-start          first print every stored event of each stream the topics\n"
                                  "                        take (alert task notice treasury reject), then go live\n"
                                  "  --since STREAM=N      first print the stored events of STREAM after seq N, then\n"
                                  "                        go live; repeatable, and wins over --from-start\n"
                                  "  --count N             exit after N events\n"
                                  "  --timeout-ms MS       exit after MS ms without an event\n"
                                  "  --replay-timeout-ms MS\n"
                                  "                        give up on a replay answer after MS ms (default 2000)\n"
                                  "  --heartbeats          print heartbeats too\n"
                                  "\n"
                                  "A prefix inside a stream (alert.red.) is sent with each replay, so only its\n"
                                  "events come back. Events older than dw-notify keeps are reported gone, and the\n"
                                  "watch goes on from the oldest kept; a new outbox epoch (a restore) starts every\n"
                                  "stream again from 0. Runs until SIGINT or SIGTERM otherwise. Exit status: 0, or\n"
                                  "2 when --count events did not arrive before the timeout, 64 bad arguments.\n";

static const char bench_usage[] = "usage: dwctl bench [options]\n"
                                  "\n"
                                  "Measures dualwatch as a producer sees it. Builds one budget.allocation per\n"
                                  "project and N treasury.payment against them (ids, vouchers and projects carry\n"
                                  "a run tag from the clock, so every run stores new rows), sends them to dw-intake\n"
                                  "keeping W unacknowledged, times each message from send to ack, and prints one\n"
                                  "figure per line: messages, elapsed, rate (msg/s), ack latency p50, p90, p99,\n"
                                  "p99.9 and max (ms), stored, duplicate, refused.\n"
                                  "\n"
                                  "  --endpoint EP     dw-intake's ROUTER (default tcp://127.0.0.1:7401)\n"
                                  "  --count N         treasury.payment messages (default 10000)\n"
                                  "  --window W        most messages unacked at once (default 1000)\n"
                                  "  --projects P      projects, one budget.allocation each; dept codes cycle\n"
                                  "                    101..104 (default 16)\n"
                                  "  --seed S          seed of the amounts, dates, payees and projects (default 1)\n"
                                  "  --src SRC         src of every message (default bench)\n"
                                  "  --timeout-ms MS   give up after MS ms without an ack, or without pipeline\n"
                                  "                    progress (default 30000)\n"
                                  "  --pipeline-conninfo CONNINFO\n"
                                  "                    after the last ack, poll PostgreSQL (libpq conninfo) until\n"
                                  "                    dw-validate has read the last inbox row and dw-analyze every\n"
                                  "                    event of dw-validate; print the drain time and the pipeline\n"
                                  "                    rate (payments validated per second, first send to drain)\n"
                                  "\n"
                                  "Messages are built before the clock starts; refusals are counted, not sent\n"
                                  "again. Exit status: 0, 1 some message refused, 2 unanswered messages or the\n"
                                  "pipeline did not drain, 64 bad arguments.\n";

static const char import_usage[] =
    "usage: dwctl import --type TYPE --mapping MAPPING.yaml [options] CSV\n"
    "\n"
    "Reads a CSV export (RFC 4180: quoted fields with commas, quotes and line breaks;\n"
    "a UTF-8 byte order mark; CRLF) in UTF-8 or GBK/GB18030, maps each row's columns\n"
    "to the fields of TYPE as the mapping file says (deploy/import/: treasury.payment,\n"
    "budget.allocation, monitor.report), builds and checks each message with the\n"
    "schema, and streams them to dw-intake, every ack awaited. A row that cannot be\n"
    "built is not sent; it goes to the error report with what dw-intake refuses.\n"
    "Prints a progress bar on a terminal (at most ten redraws a second) and a summary:\n"
    "  read N rows, sent N, stored N, duplicate N, refused N, local errors N,\n"
    "  unanswered N, settled through row R\n"
    "\n"
    "  --type TYPE       treasury.payment, budget.allocation or monitor.report; the\n"
    "                    mapping must be for it\n"
    "  --mapping FILE    the county's columns -> the message's fields\n"
    "  --encoding ENC    utf-8, gbk (read as GB18030, which contains it) or auto:\n"
    "                    valid UTF-8 is UTF-8, anything else GB18030 (default auto)\n"
    "  --src SRC         src of the messages (default: the mapping's, else import)\n"
    "  --endpoint EP     dw-intake's ROUTER (default tcp://127.0.0.1:7401)\n"
    "  --window N        most messages unacked at once (default 1000)\n"
    "  --state FILE      how far the import got (default CSV.dwstate)\n"
    "  --errors FILE     the error report (default CSV.errors.csv)\n"
    "  --timeout-ms MS   give up when no ack has come for MS ms (default 30000)\n"
    "  --retries N       send again a message refused busy or internal (default 3)\n"
    "  --dry-run         build every row and write the error report, send nothing\n"
    "  --stop-after N    stop reading after N rows, as an interruption would (tests)\n"
    "\n"
    "Rows are numbered as a spreadsheet numbers them: the header is row 1. The state\n"
    "file holds the last row up to which every row is settled (acked, or in the error\n"
    "report); a second run goes on after it. A state written for another version of\n"
    "the file is not used. Re-importing is harmless anyway: ids and ts come from the\n"
    "rows, so the same row is the same message, answered duplicate. The error report\n"
    "is CSV in UTF-8: row, column, field, value, expected, code, message. Refusals\n"
    "that come later, from dw-validate's business rules, are in `dwctl rejects`.\n"
    "A first SIGINT stops reading and waits for the acks of what was sent.\n"
    "Exit status: 0 every row stored or duplicate, 1 some rows in the error report,\n"
    "2 not finished (interrupted, stopped, unanswered, or a failure), 64 bad arguments.\n";

static const char rejects_usage[] =
    "usage: dwctl rejects [--src SRC] [--code CODE] [--since YYYY-MM-DD] [--limit N]\n"
    "       dwctl rejects --show ID\n"
    "       dwctl rejects --resubmit ID --file FIXED.yaml [--endpoint EP]\n"
    "\n"
    "Lists what dualwatch refused (the rejects table), newest first, one per line:\n"
    "  ID  created  stage  src  id  type  code  field  message\n"
    "--show prints one refusal with every column and its message as YAML in the\n"
    "format of dwctl send when it decodes, else as hex. --resubmit sends the corrected\n"
    "message of FIXED.yaml (one message; src defaults to the reject's) and prints its\n"
    "ack. A message dw-intake refused was never stored and may keep its id; one refused\n"
    "later was stored, and the same src and id with other content is a conflict, so\n"
    "its correction must carry a new id: --resubmit checks, and suggests one.\n"
    "\n"
    "  --src SRC           only refusals of messages from SRC\n"
    "  --code CODE         only refusals with this code (conflict, unknown_reference ...)\n"
    "  --since DATE        only refusals from DATE on (Asia/Shanghai)\n"
    "  --limit N           at most N lines (default 50)\n"
    "  --conninfo CONNINFO the database (libpq); default $DW_DATABASE_CONNINFO\n"
    "  --endpoint EP       dw-intake's ROUTER, for --resubmit (default tcp://127.0.0.1:7401)\n"
    "  --timeout-ms MS     wait for the ack this long (default 30000)\n"
    "\n"
    "Exit status: 0, 1 the resubmitted message was refused, 2 a failure or no ack,\n"
    "64 bad arguments.\n";

static const char reanalyze_usage[] =
    "usage: dwctl reanalyze --year YYYY [--no-rebuild] [--conninfo CONNINFO] [--timeout-ms MS]\n"
    "\n"
    "Asks dw-analyze to analyse fiscal year YYYY again from the database, e.g. after a\n"
    "change of the rule catalogue or a correction of history, and waits for it. dw-analyze\n"
    "does it in one transaction of its own: each project's payments by day rebuilt from\n"
    "the payments and reversals stored (not with --no-rebuild), every project of the year\n"
    "judged at the as-of date (the year's last day once it is over), the open alerts\n"
    "brought in line (raised, changed, cleared, each published and kept in the history).\n"
    "Prints the projects, the alert changes and the time it took.\n"
    "\n"
    "  --year YYYY         the fiscal year\n"
    "  --no-rebuild        judge the positions as they are, do not rebuild them\n"
    "  --conninfo CONNINFO the database (libpq); default $DW_DATABASE_CONNINFO\n"
    "  --timeout-ms MS     wait this long (default 600000); the request stays if not done\n"
    "\n"
    "Exit status: 0 done, 2 not done in time or a failure, 64 bad arguments.\n";

static const char all_usage[] = "usage: dwctl COMMAND [options]\n"
                                "\n"
                                "  send     send messages from YAML files to dw-intake\n"
                                "  watch    print the events dw-notify publishes\n"
                                "  bench    measure the rate and ack latency of synthetic payments\n"
                                "  import   import a CSV export (payments, budget lines, forms) row by row\n"
                                "  rejects  list, show and resubmit what dualwatch refused\n"
                                "  reanalyze  analyse a fiscal year again from the database\n"
                                "  help     this text, or `dwctl help COMMAND`\n";

void dwctl_usage(FILE *out, const char *name)
{
    if (name && strcmp(name, "send") == 0)
        fputs(send_usage, out);
    else if (name && strcmp(name, "watch") == 0)
        fputs(watch_usage, out);
    else if (name && strcmp(name, "bench") == 0)
        fputs(bench_usage, out);
    else if (name && strcmp(name, "import") == 0)
        fputs(import_usage, out);
    else if (name && strcmp(name, "rejects") == 0)
        fputs(rejects_usage, out);
    else if (name && strcmp(name, "reanalyze") == 0)
        fputs(reanalyze_usage, out);
    else
        fputs(all_usage, out);
}

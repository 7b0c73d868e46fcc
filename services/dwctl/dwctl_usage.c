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
                                  "Subscribes to dw-notify and prints one line per event as it arrives; warns\n"
                                  "when a stream's sequence number skips (a lost event).\n"
                                  "\n"
                                  "  --endpoint EP     dw-notify's PUB (default tcp://127.0.0.1:7405)\n"
                                  "  --topic PREFIX    subscribe to a topic prefix, repeatable (default: all)\n"
                                  "  --count N         exit after N events\n"
                                  "  --timeout-ms MS   exit after MS ms without an event\n"
                                  "  --heartbeats      print heartbeats too\n"
                                  "\n"
                                  "Runs until SIGINT or SIGTERM otherwise. Exit status: 0, or 2 when --count\n"
                                  "events did not arrive before the timeout, 64 bad arguments.\n";

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

static const char all_usage[] = "usage: dwctl COMMAND [options]\n"
                                "\n"
                                "  send     send messages from YAML files to dw-intake\n"
                                "  watch    print the events dw-notify publishes\n"
                                "  bench    measure the rate and ack latency of synthetic payments\n"
                                "  help     this text, or `dwctl help COMMAND`\n";

void dwctl_usage(FILE *out, const char *name)
{
    if (name && strcmp(name, "send") == 0)
        fputs(send_usage, out);
    else if (name && strcmp(name, "watch") == 0)
        fputs(watch_usage, out);
    else if (name && strcmp(name, "bench") == 0)
        fputs(bench_usage, out);
    else
        fputs(all_usage, out);
}

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
                                  "p99.9 and max (ms), stored, duplicate, refused. deploy/bench.sh runs it on a\n"
                                  "private instance (deploy/dualwatch.sh bench).\n"
                                  "\n"
                                  "  --endpoint EP     dw-intake's ROUTER (default tcp://127.0.0.1:7401)\n"
                                  "  --count N         treasury.payment messages (default 10000)\n"
                                  "  --window W        most messages unacked at once (default 1000)\n"
                                  "  --rate R          offer R messages a second (a token bucket, 1 ms ticks, at\n"
                                  "                    most 10 ms of tokens saved up); default unpaced\n"
                                  "  --projects P      projects, one budget.allocation each; dept codes cycle\n"
                                  "                    101..104 (default 16)\n"
                                  "  --tight-budgets   budgets at half of what the run pays each project (in\n"
                                  "                    10,000.00-yuan steps), instead of a quarter above: every\n"
                                  "                    project goes over budget once and dw-analyze raises one\n"
                                  "                    超预算开支 (over_budget) alert for it; with\n"
                                  "                    --pipeline-conninfo, prints the alert latency (below)\n"
                                  "  --seed S          seed of the amounts, dates, payees and projects (default 1)\n"
                                  "  --src SRC         src of every message (default bench)\n"
                                  "  --timeout-ms MS   give up after MS ms without an ack, or without pipeline\n"
                                  "                    progress (default 30000)\n"
                                  "  --pipeline-conninfo CONNINFO\n"
                                  "                    the instance's database (libpq conninfo): print fsync and\n"
                                  "                    synchronous_commit, VACUUM and CHECKPOINT before the run\n"
                                  "                    (untimed); after the last ack poll until dw-validate has\n"
                                  "                    read the last inbox row and dw-analyze every event of\n"
                                  "                    dw-validate; print the drain, the end-to-end rate\n"
                                  "                    (payments validated a second, first send to dw-validate\n"
                                  "                    done), payments per intake and validate commit, and the\n"
                                  "                    cluster's write transactions and WAL bytes a payment\n"
                                  "  --config FILE     the services' configuration, for their batch sizes\n"
                                  "                    (default: the built-in defaults)\n"
                                  "  --copy-baseline   then write the same payments again with plain COPY into\n"
                                  "                    the same tables, in the services' batch sizes, timed, and\n"
                                  "                    print its rate and the ratio pipeline / COPY (needs\n"
                                  "                    --pipeline-conninfo); --no-copy-baseline: not (default)\n"
                                  "  --pause-pid PID   dw-validate's pid: paused (SIGSTOP) while the baseline's\n"
                                  "                    inbox rows exist, so they can take the seqs dw-intake gives\n"
                                  "                    next; without it they take negative seqs\n"
                                  "  --mark-cmd CMD    run `CMD PHASE` at each phase boundary and wait for it\n"
                                  "                    (deploy/bench.sh takes its CPU figures so)\n"
                                  "\n"
                                  "Alert latency (--tight-budgets with --pipeline-conninfo), after the drain and\n"
                                  "once dw-notify has read every event of dw-analyze: per project that went over\n"
                                  "budget, from inbox.received_at of the payment that first took its paid total\n"
                                  "(the run's payments in inbox order) above its budget (dw-intake's insert,\n"
                                  "before its commit) to outbox.published_at of its over_budget alert's raised\n"
                                  "event (dw-notify's transaction, before its commit and the send): alerts\n"
                                  "measured, alert p50 / p90 / p99 / max in whole ms (exact, by rank), and the\n"
                                  "same to alert_history.changed_at of the raise (dw-analyze's transaction) and\n"
                                  "to the payment's payments.stored_at (dw-validate's transaction): the hops.\n"
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

static const char dashboard_usage[] =
    "usage: dwctl dashboard --year YYYY [--as-of YYYY-MM-DD] [--dept CODE] [--format text|csv]\n"
    "                       [--rules FILE] [--conninfo CONNINFO]\n"
    "\n"
    "Prints the 双监控 figures of fiscal year YYYY as the database holds them at the\n"
    "as-of date (the year's last day once it is over): every project loaded and judged\n"
    "with the rule catalogue, then one line for the bureau (全局) and one per department:\n"
    "projects monitored (with a budget line or targets), 在监控资金 (current budget),\n"
    "paid to date, 执行率, 序时应支付 (budget × 序时进度, rounded down per project),\n"
    "执行总体偏离度, the red and yellow findings of the execution (及时性), target (有效性)\n"
    "and compliance (合规性) rules, 指标总体偏离度, the light (the worst of its projects)\n"
    "and what was paid outside monitoring. With --dept, then one line per project of\n"
    "that department with its light, 执行率 and its score and grade (100 points, seed\n"
    "002 §37) from the values to date and from the form's projected values.\n"
    "\n"
    "  执行总体偏离度  |Σ paid − Σ expected| ÷ Σ expected over the projects with time\n"
    "                  rules on (a budget above 0, as-of on or after rules_from); 0 when\n"
    "                  Σ expected is 0\n"
    "  指标总体偏离度  Σ weight of the reported indicators whose light is yellow or red\n"
    "                  ÷ Σ weight of the reported indicators; 0 when none is reported\n"
    "\n"
    "  --year YYYY         the fiscal year\n"
    "  --as-of DATE        judge at DATE, counting the payments and forms dated by then\n"
    "                      (default: today in Asia/Shanghai, counting every one stored,\n"
    "                      as dw-analyze does live)\n"
    "  --dept CODE         also one line per project of this department\n"
    "  --format FMT        text (default) or csv (UTF-8, a header row, one row per line\n"
    "                      with a level column: bureau, dept, project)\n"
    "  --rules FILE        the rule catalogue (default: the one built in,\n"
    "                      deploy/analysis_rules.yaml)\n"
    "  --conninfo CONNINFO the database (libpq); default $DW_DATABASE_CONNINFO\n"
    "\n"
    "Money in yuan, percents to 2 decimals (basis points, half up); every light and\n"
    "ratio is decided exactly. Reads only: no alert is raised or changed.\n"
    "Exit status: 0, 2 a failure (the database, the rules file, a department with no\n"
    "project), 64 bad arguments.\n";

static const char tasks_usage[] =
    "usage: dwctl tasks --section CODE [--all] [--as-of YYYY-MM-DD] [--format text|csv]\n"
    "                   [--config FILE] [--conninfo CONNINFO]\n"
    "\n"
    "The documents a section holds now (a department: its dept_code), soonest due\n"
    "first, those without a due date last. A header line, then one line each:\n"
    "  待办 biz_edu  截至 2026-04-01  在办 2 件，逾期 1 件\n"
    "  deviation_case  DC-17  business_review（业务股室研判，提出处置建议）  部门 101\n"
    "      项目 P2026-101-003  到期 2026-03-20  逾期 12 天  <title>\n"
    "A document is overdue when its due date is before the as-of date.\n"
    "\n"
    "  --section CODE      the section's code (biz_edu), or a department's dept_code\n"
    "  --all               also the closed documents the section held or acted on\n"
    "                      (已办结 and the day, instead of the overdue flag)\n"
    "  --as-of DATE        the business date overdue is judged at (default: clock.as_of\n"
    "                      of --config, else today in Asia/Shanghai)\n"
    "  --format FMT        text (default) or csv (UTF-8, a header row: doc_kind, doc_id,\n"
    "                      state, state_title, round, dept_code, project_code, due_date,\n"
    "                      overdue_days, closed_on, title)\n"
    "  --config FILE       the dualwatch configuration, for clock.as_of and\n"
    "                      database.conninfo\n"
    "  --conninfo CONNINFO the database (libpq); default $DW_DATABASE_CONNINFO, then\n"
    "                      database.conninfo of --config\n"
    "\n"
    "Reads only. Act on a document with dwctl act; see one with dwctl show.\n"
    "Exit status: 0, 2 a failure (the database, the configuration), 64 bad arguments.\n";

static const char show_usage[] =
    "usage: dwctl show DOC_KIND DOC_ID [--config FILE] [--conninfo CONNINFO]\n"
    "\n"
    "One document as dw-route keeps it: title, fiscal year, department, project,\n"
    "state (with its title in the procedure) and round, who holds it and by when,\n"
    "who submitted this round, the disposition decided, the alert that opened it,\n"
    "the treasury instruction, reminders and missed deadlines, when it was opened,\n"
    "changed and closed. Then its history, one line per step: step, round, time,\n"
    "actor, section and role, the action and the step's title, from → to, who holds\n"
    "it next and the due date, with the opinion, comment and decision below it.\n"
    "\n"
    "DOC_KIND is one of target_declaration (绩效目标申报), monitor_report (绩效运行监控),\n"
    "deviation_case (偏离处置), selfeval (绩效自评价), reevaluation (绩效再评价),\n"
    "results_summary (绩效评价结果应用).\n"
    "\n"
    "  --config FILE       the dualwatch configuration, for database.conninfo\n"
    "  --conninfo CONNINFO the database (libpq); default $DW_DATABASE_CONNINFO, then\n"
    "                      database.conninfo of --config\n"
    "\n"
    "Reads only. Exit status: 0, 2 no such document or a failure, 64 bad arguments.\n";

#define SENDING_OPTIONS                                                                      \
    "  --endpoint EP       dw-intake's ROUTER (default tcp://127.0.0.1:7401)\n"              \
    "  --ts MS             the message's ts (unix ms); default now. The same command\n"      \
    "                      with the --ts printed after a failed try sends the same bytes,\n" \
    "                      which dw-intake answers duplicate if it has them: never twice\n"  \
    "  --timeout-ms MS     give up when no ack has come for MS ms (default 30000)\n"

#define AFTER_THE_ACK                                                                       \
    "The ack says what dw-intake did: stored (its seq), duplicate, or refused with a\n"     \
    "code and a message. dw-route takes the action up after the ack and may still refuse\n" \
    "it (the state does not allow it, the wrong role, the submitter approving their own\n"  \
    "round, a return without a reason): then a reject.notice goes to dwctl, the refusal\n"  \
    "is a row of rejects with stage route, and the document does not move. See\n"           \
    "dwctl show DOC_KIND DOC_ID and dwctl rejects --src dwctl.\n"                           \
    "Exit status: 0 stored or duplicate, 1 refused by dw-intake, 2 no ack or a failure,\n"  \
    "64 bad arguments (nothing sent).\n"

static const char act_usage[] =
    "usage: dwctl act DOC_KIND DOC_ID ACTION --actor NAME --section CODE [--opinion TEXT]\n"
    "                 [--comment TEXT] [--to-state STATE]\n"
    "                 [--decision reduce_budget|adjust_targets|suspend] [--id ID] [options]\n"
    "\n"
    "Sends one workflow.action to dw-intake: ACTION (submit, pass, return, recall,\n"
    "propose, decide, approve, publish, close ... as the document's procedure names\n"
    "them) on the document DOC_KIND DOC_ID, taken by NAME for section CODE (a\n"
    "department acts with its dept_code).\n"
    "\n"
    "  --actor NAME        who acts (操作人)\n"
    "  --section CODE      the section the actor acts for (股室), or a dept_code\n"
    "  --opinion TEXT      审核意见, the formal review opinion (a return needs one, or a\n"
    "                      comment)\n"
    "  --comment TEXT      备注\n"
    "  --to-state STATE    with return: the earlier step it goes back to (default the\n"
    "                      step before)\n"
    "  --decision D        a deviation case's disposition: reduce_budget (调减预算并调整\n"
    "                      绩效目标), adjust_targets (调整绩效目标), suspend (暂停实施并停止拨付)\n"
    "  --id ID             the message id (default act-DOC_ID-ACTION-TS)\n" SENDING_OPTIONS "\n"
    "The kind of document, the action (one people take in that procedure) and the\n"
    "state of --to-state are checked before sending; to open a document use\n"
    "dwctl reevaluate, open-case or summary.\n"
    "\n" AFTER_THE_ACK;

static const char reevaluate_usage[] =
    "usage: dwctl reevaluate --year YYYY --dept CODE [--project CODE] --actor NAME\n"
    "                        --section CODE --scope TEXT --schedule TEXT --method TEXT\n"
    "                        --indicators TEXT [--comment TEXT] [--id DOC_ID] [options]\n"
    "\n"
    "Opens a 绩效再评价 (doc_kind reevaluation, action open) of a department, or of one\n"
    "of its projects, with its plan: 评价范围 (--scope), 时间安排 (--schedule), 评价方法\n"
    "(--method), 指标体系及评价标准 (--indicators). The document id is\n"
    "RE-YYYY-DEPT[-PROJECT] unless --id gives one.\n"
    "\n" SENDING_OPTIONS "\n" AFTER_THE_ACK;

static const char open_case_usage[] =
    "usage: dwctl open-case --year YYYY --dept CODE --project CODE --actor NAME\n"
    "                       --section CODE [--comment TEXT] [--id DOC_ID] [options]\n"
    "\n"
    "Opens a 偏离处置 case on a project on demand (doc_kind deviation_case, action\n"
    "open), as a business section does without waiting for a red alert. The document\n"
    "id is DC-PROJECT-YYYYMMDD (today in Asia/Shanghai) unless --id gives one.\n"
    "\n" SENDING_OPTIONS "\n" AFTER_THE_ACK;

static const char summary_usage[] =
    "usage: dwctl summary --year YYYY --actor NAME --section CODE [--comment TEXT]\n"
    "                     [--id DOC_ID] [options]\n"
    "\n"
    "Opens the year's 绩效评价结果应用 summary (doc_kind results_summary, action open) for\n"
    "the comprehensive section to draft and send to 局党组. The document id is RS-YYYY\n"
    "unless --id gives one.\n"
    "\n" SENDING_OPTIONS "\n" AFTER_THE_ACK;

static const char all_usage[] = "usage: dwctl COMMAND [options]\n"
                                "\n"
                                "  send     send messages from YAML files to dw-intake\n"
                                "  watch    print the events dw-notify publishes\n"
                                "  bench    measure the rate and ack latency of synthetic payments\n"
                                "  import   import a CSV export (payments, budget lines, forms) row by row\n"
                                "  rejects  list, show and resubmit what dualwatch refused\n"
                                "  reanalyze  analyse a fiscal year again from the database\n"
                                "  dashboard  a fiscal year's figures by department: execution, deviations, scores\n"
                                "  config-keys  every configuration key: type, range, default, reload or restart\n"
                                "  tasks    a section's documents (待办), soonest due first, overdue flagged\n"
                                "  show     one document and every step it took\n"
                                "  act      act on a document: submit, pass, return, propose, decide ...\n"
                                "  reevaluate  open a 绩效再评价 with its plan\n"
                                "  open-case   open a 偏离处置 case on a project\n"
                                "  summary  open the year's 绩效评价结果应用 summary\n"
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
    else if (name && strcmp(name, "dashboard") == 0)
        fputs(dashboard_usage, out);
    else if (name && strcmp(name, "tasks") == 0)
        fputs(tasks_usage, out);
    else if (name && strcmp(name, "show") == 0)
        fputs(show_usage, out);
    else if (name && strcmp(name, "act") == 0)
        fputs(act_usage, out);
    else if (name && strcmp(name, "reevaluate") == 0)
        fputs(reevaluate_usage, out);
    else if (name && strcmp(name, "open-case") == 0)
        fputs(open_case_usage, out);
    else if (name && strcmp(name, "summary") == 0)
        fputs(summary_usage, out);
    else if (name && strcmp(name, "config-keys") == 0)
        fputs("usage: dwctl config-keys\n"
              "\n"
              "Prints every key of the configuration file (deploy/dualwatch.yaml), one per line:\n"
              "its dotted name, type and range, default, whether a running service picks it up on\n"
              "SIGHUP (reload) or only at a restart, and what it does. Exit status: 0, 64 bad arguments.\n",
              out);
    else
        fputs(all_usage, out);
}

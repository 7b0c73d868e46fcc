/* dwctl_event — one published event ([topic][envelope] from dw-notify) as one
 * readable line:
 *   alert  #12  alert.red.compliance.101.  raised  yellow->red  compliance  P2026-101-003  超预算开支 ...
 *   task   #3   task.biz_edu.  opened deviation_case 101 P2026-101-003 due 2026-07-20 [business_review] ...
 * Money in yuan with thousands separators. */
#ifndef DWCTL_EVENT_H
#define DWCTL_EVENT_H

#include <stddef.h>
#include <stdio.h>

#include "dw_msg.h"

/* Writes the line for msg (decoded, published) that came under topic. */
void dwctl_event_print(FILE *out, const char *topic, const dw_msg_t *msg);

#endif

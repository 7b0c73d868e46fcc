#!/bin/sh
# generate.sh — writes deploy/sample/sample.yaml, the sample data set: the 2026
# budget of four departments of a city and a year of treasury payments against
# it, with three planted faults the system must catch.
#
#   sh deploy/sample/generate.sh > deploy/sample/sample.yaml
#
# POSIX sh, awk and sort only, and deterministic: the pseudo-random numbers come
# from our own generator (Park-Miller, exact in awk's doubles), not from awk's
# rand(), which differs between awk implementations. Run it again and the bytes
# are the same; change it and commit both files.
#
# What is in it (fiscal year 2026):
# - budget.allocation, one per budget line (src budget, ids B-000001...), all
#   approved on 2026-01-12;
# - treasury.payment over the year (src treasury, ids T-000001..., vouchers
#   GK2026000001...), on working days, in date order: slow in January and
#   February, steady through the year, a rush in December;
# - planted: P2026-101-003 paid beyond its budget in December (超预算开支:
#   budget 1,200,000.00, paid 1,250,000.00); one payment on P2026-104-009,
#   which has no budget line (无预算开支); one payment sent twice with the same
#   id and bytes (dw-intake answers duplicate); P2026-102-002 lags far behind
#   time progress until the autumn (执行进度滞后).
set -eu

LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dw-sample.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# ---------------------------------------------------------------- the budget
# One budget line per row:
#   line_id|dept|unit_code|unit_name|project_code|project_name|kind|fund_type|source|
#   function_code|economic_code|initial_fen|profile|rate_bp|payees
# profile: how it is paid (wage, office, project, slow, transfer, planted);
# rate_bp: share of the line paid by 31 December, in basis points;
# payees: ';'-separated, picked in turn by the generator.
cat > "$tmp/lines" <<'EOF'
ZB2026-101-01|101|101001|市教育局本级|P2026-101-001|市教育局部门整体支出|overall|general|annual|2050101|30101|860000000|wage|9920|市教育局机关工作人员工资统发
ZB2026-101-02|101|101001|市教育局本级|P2026-101-001|市教育局部门整体支出|overall|general|annual|2050101|30201|120000000|office|9560|市新华书店有限公司;市鑫达办公用品有限公司;中国电信股份有限公司本市分公司;市文印中心
ZB2026-101-03|101|101002|市教育装备中心|P2026-101-002|义务教育薄弱环节改善与能力提升项目|project|general|annual|2050202|31005|450000000|project|9380|市建工集团有限公司;市城乡建设工程有限公司;省教育装备有限公司
ZB2026-101-04|101|101001|市教育局本级|P2026-101-003|城乡义务教育补助经费|transfer|general|special_central|2050202|39999|120000000|planted|0|东城区财政局;西山县财政局;南湖区财政局
ZB2026-102-01|102|102001|市卫生健康委员会本级|P2026-102-001|市卫生健康委员会部门整体支出|overall|general|annual|2100101|30101|720000000|wage|9910|市卫生健康委员会机关工作人员工资统发
ZB2026-102-02|102|102001|市卫生健康委员会本级|P2026-102-001|市卫生健康委员会部门整体支出|overall|general|annual|2100101|30201|95000000|office|9480|市鑫达办公用品有限公司;中国电信股份有限公司本市分公司;市邮政分公司
ZB2026-102-03|102|102002|市急救中心|P2026-102-002|院前急救体系能力提升项目|project|general|annual|2100499|31003|320000000|slow|8100|省医疗器械有限公司;市安康救护车辆销售有限公司;市信息产业集团有限公司
ZB2026-102-04|102|102001|市卫生健康委员会本级|P2026-102-003|基本公共卫生服务补助资金|transfer|general|special_central|2100408|39999|680000000|transfer|9700|东城区卫生健康局;西山县卫生健康局;南湖区卫生健康局
ZB2026-103-01|103|103001|市人力资源和社会保障局本级|P2026-103-001|市人力资源和社会保障局部门整体支出|overall|general|annual|2080101|30101|560000000|wage|9930|市人力资源和社会保障局机关工作人员工资统发
ZB2026-103-02|103|103001|市人力资源和社会保障局本级|P2026-103-001|市人力资源和社会保障局部门整体支出|overall|general|annual|2080101|30201|80000000|office|9620|市新华书店有限公司;市文印中心;中国电信股份有限公司本市分公司
ZB2026-103-03|103|103002|市职业技能鉴定指导中心|P2026-103-002|职业技能提升行动项目|project|general|special_provincial|2080705|30227|260000000|project|9150|市高级技工学校;市职业技术学院;市现代服务业培训中心
ZB2026-103-04|103|103001|市人力资源和社会保障局本级|P2026-103-003|就业补助资金|transfer|general|special_central|2080799|39999|500000000|transfer|9820|东城区人力资源和社会保障局;西山县人力资源和社会保障局;南湖区人力资源和社会保障局
ZB2026-104-01|104|104001|市交通运输局本级|P2026-104-001|市交通运输局部门整体支出|overall|general|annual|2140101|30101|640000000|wage|9900|市交通运输局机关工作人员工资统发
ZB2026-104-02|104|104001|市交通运输局本级|P2026-104-001|市交通运输局部门整体支出|overall|general|annual|2140101|30201|90000000|office|9510|市鑫达办公用品有限公司;市邮政分公司;市文印中心
ZB2026-104-03|104|104002|市公路事业发展中心|P2026-104-002|农村公路提档升级工程|project|general|annual|2140106|31005|1200000000|project|9460|市交通建设集团有限公司;省路桥工程有限公司;市公路勘察设计院
ZB2026-104-04|104|104002|市公路事业发展中心|P2026-104-002|农村公路提档升级工程|project|general|carry_over|2140106|31005|200000000|project|10000|市交通建设集团有限公司;省路桥工程有限公司
EOF

# ------------------------------------------------- allocations and payments
# Writes the allocation messages to $tmp/alloc and one record per payment to
# $tmp/pay (date, order, then the payment's fields, tab-separated), unsorted.
awk -v alloc="$tmp/alloc" -v pay="$tmp/pay" '
function rnd(n) {
    seed = (seed * 16807) % 2147483647 # Park-Miller: the product stays below 2^53
    return seed % n
}
# Days since 1970-01-01 (H. Hinnant, days_from_civil).
function days(y, m, d,    era, yoe, doy, doe) {
    y -= (m <= 2)
    era = int(y / 400)
    yoe = y - era * 400
    doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
    doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
    return era * 146097 + doe - 719468
}
function working(m, d,    wd) {
    if (sprintf("%02d-%02d", m, d) in holiday)
        return 0
    wd = (days(2026, m, d) + 4) % 7 # 0 Sunday .. 6 Saturday
    return wd != 0 && wd != 6
}
# A working day in lo..hi of month m (the first one from a random start).
function pick_day(m, lo, hi,    d, k) {
    if (hi > mdays[m])
        hi = mdays[m]
    d = lo + rnd(hi - lo + 1)
    for (k = 0; k <= hi - lo; k++) {
        if (working(m, d))
            return d
        d = d < hi ? d + 1 : lo
    }
    print "generate.sh: no working day in month " m > "/dev/stderr"
    exit 1
}
function emit(m, d, amount, payee, contract, line_id, function_code, economic_code, dept, unit, project, method) {
    if (!working(m, d)) {
        print "generate.sh: 2026-" m "-" d " is not a working day" > "/dev/stderr"
        exit 1
    }
    printf "2026-%02d-%02d\t%05d\t%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\n", m, d, ++order, dept, unit, project,
        line_id, function_code, economic_code, amount, method, payee, contract > pay
}
BEGIN {
    FS = "|"
    seed = 20260101
    split("31 28 31 30 31 30 31 31 30 31 30 31", mdays, " ")
    # Public holidays, about as the 2026 calendar has them: no payments then.
    nh = split("01-01 01-02 01-03 02-15 02-16 02-17 02-18 02-19 02-20 02-21 02-22 02-23 04-04 04-05 04-06 " \
               "05-01 05-02 05-03 05-04 05-05 06-19 06-20 06-21 09-25 09-26 09-27 " \
               "10-01 10-02 10-03 10-04 10-05 10-06 10-07 10-08", hl, " ")
    for (i = 1; i <= nh; i++)
        holiday[hl[i]] = 1
    dept_name["101"] = "市教育局"
    dept_name["102"] = "市卫生健康委员会"
    dept_name["103"] = "市人力资源和社会保障局"
    dept_name["104"] = "市交通运输局"
    section["101"] = "biz_edu"
    section["102"] = "biz_social"
    section["103"] = "biz_social"
    section["104"] = "biz_econ"
    # Monthly weights of what a line pays, January..December.
    weights["wage"] = "1 1 1 1 1 1 1 1 1 1 1 2"            # payroll; December carries the 13th month
    weights["office"] = "3 3 8 8 8 9 8 8 9 8 9 19"         # slow start, December rush
    weights["project"] = "0 0 6 8 8 10 8 8 10 8 10 24"     # works start in March, settle in December
    weights["slow"] = "0 0 1 1 2 2 3 4 8 12 16 51"         # lags far behind time progress
    weights["transfer"] = "0 0 25 0 0 30 0 0 25 0 0 20"    # quarterly tranches
    parts["wage"] = 1; parts["office"] = 2; parts["project"] = 2; parts["slow"] = 2; parts["transfer"] = 1
    method["wage"] = "direct"; method["office"] = "authorised"; method["project"] = "direct"
    method["slow"] = "direct"; method["transfer"] = "direct"; method["planted"] = "direct"
    # Working-day windows: payroll around the 10th, tranches mid-month, the rest spread out.
    lo["wage"] = 8; hi["wage"] = 14; lo["transfer"] = 10; hi["transfer"] = 20
    lo["office"] = 3; hi["office"] = 28; lo["project"] = 5; hi["project"] = 28; lo["slow"] = 5; hi["slow"] = 28
    n_alloc = 0
}
{
    line_id = $1; dept = $2; unit = $3; unit_name = $4; project = $5; project_name = $6; kind = $7
    fund_type = $8; source = $9; function_code = $10; economic_code = $11; initial = $12 + 0
    profile = $13; rate_bp = $14 + 0
    np = split($15, payees, ";")

    n_alloc++
    printf "- type: budget.allocation\n  id: B-%06d\n  src: budget\n  ts: %.0f\n  body:\n", n_alloc,
        (days(2026, 1, 12) * 86400 + 3600 + n_alloc * 60) * 1000 > alloc
    printf "    line_id: %s\n    fiscal_year: 2026\n    dept_code: \"%s\"\n    dept_name: %s\n", line_id, dept,
        dept_name[dept] > alloc
    printf "    unit_code: \"%s\"\n    unit_name: %s\n    project_code: %s\n    project_name: %s\n", unit, unit_name,
        project, project_name > alloc
    printf "    kind: %s\n    fund_type: %s\n    source: %s\n    function_code: \"%s\"\n    economic_code: \"%s\"\n",
        kind, fund_type, source, function_code, economic_code > alloc
    printf "    section_code: %s\n    initial_fen: %.0f\n    adjusted_fen: 0\n    transferred_fen: 0\n", section[dept],
        initial > alloc
    printf "    current_fen: %.0f\n    approved_date: \"2026-01-12\"\n", initial > alloc

    if (profile == "planted") {
        # 超预算开支: budget 120,000,000 fen; 115,000,000 paid by November, 125,000,000 after 15 December.
        split("3 6 9 11 12", pm, " "); split("16 15 14 16 15", pd, " ")
        split("30000000 40000000 30000000 15000000 10000000", pa, " ")
        for (i = 1; i <= 5; i++)
            emit(pm[i] + 0, pd[i] + 0, pa[i] + 0, payees[(i - 1) % np + 1], "", line_id, function_code,
                 economic_code, dept, unit, project, method[profile])
        next
    }

    nw = split(weights[profile], w, " ")
    sumw = 0; last = 0
    for (m = 1; m <= nw; m++) {
        sumw += w[m]
        if (w[m] > 0)
            last = m
    }
    target = int(initial * rate_bp / 10000)
    paid = 0; turn = 0
    for (m = 1; m <= 12; m++) {
        if (w[m] == 0)
            continue
        amount = m == last ? target - paid : int(target * w[m] / sumw)
        paid += amount
        n = 1 + (parts[profile] > 1 ? rnd(parts[profile]) : 0)
        first = amount
        if (n == 2) # two payments: the first in whole yuan, 30..70 % of the month
            first = int(amount * (30 + rnd(41)) / 10000) * 100
        for (k = 1; k <= n; k++) {
            part = k == 1 ? first : amount - first
            day_lo = m == 12 && profile != "wage" && profile != "transfer" ? 14 : lo[profile]
            day_hi = m == 12 && profile != "wage" && profile != "transfer" ? 31 : hi[profile]
            if (profile == "project" || profile == "slow") {
                p = rnd(10) < 7 ? 1 : 1 + rnd(np) # mostly the main contractor
                contract = sprintf("HT-2026-%s-%02d", dept, p)
            } else {
                p = profile == "transfer" ? turn++ % np + 1 : 1 + rnd(np)
                contract = ""
            }
            emit(m, pick_day(m, day_lo, day_hi), part, payees[p], contract, line_id, function_code, economic_code,
                 dept, unit, project, method[profile])
        }
    }
}
END {
    # 无预算开支: a project the budget never approved, paid all the same.
    emit(10, 20, 8650000, "市交通安全宣传教育中心", "HT-2026-104-09", "", "2140199", "30227", "104", "104001",
         "P2026-104-009", "direct")
}
' "$tmp/lines"

# ------------------------------------------------------ payments, in order
sort -t "$(printf '\t')" -k1,1 -k2,2n "$tmp/pay" > "$tmp/pay.sorted"

awk -F '\t' -v dup=100 -v dup_again=104 '
function days(y, m, d,    era, yoe, doy, doe) {
    y -= (m <= 2)
    era = int(y / 400)
    yoe = y - era * 400
    doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
    doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
    return era * 146097 + doe - 719468
}
{
    n++
    if ($1 != day) {
        day = $1; in_day = 0
    }
    # 10:00 in Shanghai (02:00 UTC), seven minutes apart within a day.
    ts = (days(substr($1, 1, 4) + 0, substr($1, 6, 2) + 0, substr($1, 9, 2) + 0) * 86400 + 7200 + in_day++ * 420) * 1000
    msg = sprintf("- type: treasury.payment\n  id: T-%06d\n  src: treasury\n  ts: %.0f\n  body:\n", n, ts)
    msg = msg sprintf("    voucher_no: GK2026%06d\n    fiscal_year: 2026\n    payment_date: \"%s\"\n", n, $1)
    msg = msg sprintf("    dept_code: \"%s\"\n    unit_code: \"%s\"\n    project_code: %s\n", $3, $4, $5)
    if ($6 != "")
        msg = msg sprintf("    line_id: %s\n", $6)
    msg = msg sprintf("    function_code: \"%s\"\n    economic_code: \"%s\"\n    amount_fen: %s\n", $7, $8, $9)
    msg = msg sprintf("    method: %s\n    payee: %s\n", $10, $11)
    if ($12 != "")
        msg = msg sprintf("    contract_no: %s\n", $12)
    if ($6 == "")
        printf "# planted: %s has no budget line (无预算开支)\n", $5
    printf "%s", msg
    if (n == dup)
        again = msg
    if (n == dup_again)
        printf "# planted: the treasury sends T-%06d again, same id and bytes: dw-intake answers duplicate\n%s", dup,
            again
}
' "$tmp/pay.sorted" > "$tmp/payments"

n_alloc=$(grep -c '^- type: budget.allocation' "$tmp/alloc")
n_pay=$(grep -c '^- type: treasury.payment' "$tmp/payments")

cat <<EOF
# dualwatch sample data set, fiscal year 2026 — generated by deploy/sample/generate.sh; do not edit,
# regenerate: sh deploy/sample/generate.sh > deploy/sample/sample.yaml
#
# $n_alloc budget.allocation, then $n_pay treasury.payment ($((n_pay - 1)) distinct and one sent twice):
# $((n_alloc + n_pay)) messages. Sent to a fresh dw-intake:
#   sent $((n_alloc + n_pay)), stored $((n_alloc + n_pay - 1)), duplicate 1, refused 0, local errors 0, unanswered 0
#
# Departments (business section): 101 市教育局 (biz_edu), 102 市卫生健康委员会 (biz_social),
# 103 市人力资源和社会保障局 (biz_social), 104 市交通运输局 (biz_econ).
# Planted for the monitors to find:
# - 超预算开支: P2026-101-003 城乡义务教育补助经费, budget 1,200,000.00 元, paid 1,250,000.00 元 by 15 December;
# - 无预算开支: a payment on P2026-104-009, which has no budget line;
# - 执行进度滞后: P2026-102-002 院前急救体系能力提升项目 pays little before the autumn;
# - a repeated message (same src, id and bytes): dw-intake answers duplicate.
EOF
cat "$tmp/alloc" "$tmp/payments"

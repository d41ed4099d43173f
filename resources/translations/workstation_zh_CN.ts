<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdviceCard</name>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="73"/>
        <source>Open window %1 for %2: expected wait from %3 min down to %4 min</source>
        <translation>开启 %1 号窗口办理 %2：预计等候从 %3 分钟降到 %4 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="76"/>
        <source>%1 waiting · %2 window(s) serving it now · average service %3 min · window %4&apos;s own queue: %5 → %6 min</source>
        <translation>%1 人等候 · 现有 %2 个窗口办理 · 平均办理 %3 分钟 · %4 号窗口本身的等候：%5 → %6 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="81"/>
        <source>Reasoning: %1</source>
        <translation>测算依据：%1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="55"/>
        <source>&amp;Apply</source>
        <translation>应用(&amp;A)</translation>
    </message>
</context>
<context>
    <name>AdviceScreen</name>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="100"/>
        <source>Window load advice</source>
        <translation>窗口动态调整</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="104"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="160"/>
        <source>The hall server did not answer: %1</source>
        <translation>大厅服务器没有应答：%1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="187"/>
        <source>As of %1.</source>
        <translation>截至 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="189"/>
        <source>No window needs to change now: every queue is within reach.</source>
        <translation>目前各队列等候正常，无需调整窗口。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="194"/>
        <source>Apply the advice</source>
        <translation>应用调整建议</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="195"/>
        <source>Window %1 (%2) will serve %3 as well, from now on. Apply?</source>
        <translation>%1 号窗口（%2）将从现在起同时办理 %3。确定应用吗？</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="199"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="200"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="207"/>
        <source>Applying…</source>
        <translation>正在应用……</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/advice.py" line="213"/>
        <source>Window %1 now serves %2 as well.</source>
        <translation>%1 号窗口已同时办理 %2。</translation>
    </message>
</context>
<context>
    <name>AlertCard</name>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="43"/>
        <source>Window %1</source>
        <translation>窗口 %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="44"/>
        <source>A device without a window</source>
        <translation>未绑定窗口的设备</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="45"/>
        <source>%1 · device %2 · found at %3</source>
        <translation>%1 · 设备 %2 · 发现于 %3</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="50"/>
        <source>&amp;Acknowledge</source>
        <translation>确认已处理(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="52"/>
        <source>You have seen this alert and will look into it; it leaves the list, and the hall records who acknowledged it</source>
        <translation>表示您已看到此告警并将核查；告警从列表中移除，大厅会记录是谁确认的</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="66"/>
        <source>Audit records are missing</source>
        <translation>审计记录缺失</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="68"/>
        <source>An audit record was changed</source>
        <translation>审计记录被改动</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="70"/>
        <source>An audit record does not follow on from the one before</source>
        <translation>审计记录接不上前一条</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="72"/>
        <source>Audit records of another device arrived</source>
        <translation>收到其他设备的审计记录</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="73"/>
        <source>An audit record arrived incomplete</source>
        <translation>收到不完整的审计记录</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="78"/>
        <source>Records before no. %1 never reached the hall: they may have been deleted on the workstation.</source>
        <translation>第 %1 条之前的记录没有送达大厅：可能已在该电脑上被删除。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="81"/>
        <source>The content of record no. %1 no longer matches its seal: it was changed after it was written.</source>
        <translation>第 %1 条记录的内容与其封签不符：写入后被改动过。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="84"/>
        <source>Record no. %1 does not link to the record before it: a record was replaced, or the workstation&apos;s audit trail started again.</source>
        <translation>第 %1 条记录与前一条接不上：有记录被替换，或该电脑的审计记录重新开始了。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="87"/>
        <source>This workstation sent records of another device&apos;s audit trail.</source>
        <translation>这台电脑发来了另一台设备的审计记录。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="88"/>
        <source>The record lacks the fields that chain it to the others.</source>
        <translation>这条记录缺少把它与前后记录串联起来的字段。</translation>
    </message>
</context>
<context>
    <name>ApplicantPanel</name>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="169"/>
        <source>Read ID card (F11)</source>
        <translation>读取证件（F11）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="171"/>
        <source>Agent&apos;s card (F12)</source>
        <translation>代理人证件（F12）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="173"/>
        <location filename="../../ui/clerk/applicant_panel.py" line="367"/>
        <location filename="../../ui/clerk/applicant_panel.py" line="380"/>
        <source>Show full number</source>
        <translation>显示完整号码</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="181"/>
        <source>Shown whole while you type it, masked once entered.</source>
        <translation>输入时显示完整号码，输入完成后遮盖显示。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="187"/>
        <source>Passport: type or scan the two MRZ lines</source>
        <translation>护照：请输入或扫描机读区两行</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="198"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="199"/>
        <location filename="../../ui/clerk/applicant_panel.py" line="411"/>
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="200"/>
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="201"/>
        <source>Agent</source>
        <translation>代理人</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="202"/>
        <location filename="../../ui/clerk/applicant_panel.py" line="412"/>
        <source>Agent&apos;s ID number</source>
        <translation>代理人证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="207"/>
        <source>Hall helper&apos;s name, if one helps</source>
        <translation>本中心帮办员姓名（无则不填）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="208"/>
        <source>Helper</source>
        <translation>帮办人</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="233"/>
        <location filename="../../ui/clerk/applicant_panel.py" line="239"/>
        <source>No card reader is configured for this window.</source>
        <translation>本窗口未配置读卡器。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="241"/>
        <source>Reading the card…</source>
        <translation>正在读取证件…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="261"/>
        <source>Check this card: %1</source>
        <translation>请核对证件：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="263"/>
        <source>The card expires soon or has expired (%1).</source>
        <translation>证件即将到期或已过期（%1）。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="268"/>
        <source>Card read.</source>
        <translation>证件已读取。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="269"/>
        <source>Card reader: last read OK</source>
        <translation>读卡器：上次读取成功</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="285"/>
        <source>Chip data verified</source>
        <translation>芯片数据已验证</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="287"/>
        <source>Issuing authority&apos;s certificate is not in the trust list</source>
        <translation>签发机构证书不在信任列表</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="288"/>
        <source>The chip&apos;s data can be used, but check the passport itself by eye.</source>
        <translation>芯片数据可以使用，但请人工核对护照本身。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="290"/>
        <source>Cannot verify</source>
        <translation>无法验证</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="291"/>
        <source>The chip&apos;s data is not verified; check the passport itself by eye.</source>
        <translation>芯片数据未经验证，请人工核对护照本身。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="293"/>
        <source>Chip data has been tampered with</source>
        <translation>芯片数据被篡改</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="294"/>
        <source>The passport&apos;s chip data is refused and not used. Check the passport by eye and tell the supervisor.</source>
        <translation>不予采用该护照的芯片数据。请人工核验护照并报告值班长。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="298"/>
        <source>Passport chip: %1</source>
        <translation>护照芯片：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="320"/>
        <source>no card on the reader; place the card and try again</source>
        <translation>读卡器上没有证件，请放好证件后重试</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="321"/>
        <source>the card was moved during the read; place it again</source>
        <translation>读取时证件被移开，请重新放好</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="322"/>
        <source>the reader does not answer</source>
        <translation>读卡器无响应</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="323"/>
        <source>the reader is not connected or not usable</source>
        <translation>读卡器未连接或无法使用</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="324"/>
        <source>the reader sent data that cannot be used</source>
        <translation>读卡器返回的数据无法使用</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="345"/>
        <source>Chip data has been tampered with: %1</source>
        <translation>芯片数据被篡改：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="347"/>
        <source>Card reader: passport chip data refused</source>
        <translation>读卡器：护照芯片数据被拒绝</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="351"/>
        <source>The card could not be read: %1</source>
        <translation>未能读取证件：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="353"/>
        <source>Card reader: %1</source>
        <translation>读卡器：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="366"/>
        <source>Hide full number</source>
        <translation>隐藏完整号码</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="369"/>
        <source>There is no masked number to show.</source>
        <translation>没有遮盖的号码需要显示。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="381"/>
        <source>Why do you need the full number for this case?</source>
        <translation>本办件为何需要查看完整号码？</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="410"/>
        <source>Enter the applicant&apos;s name.</source>
        <translation>请填写申请人姓名。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="418"/>
        <source>%1 is not a valid resident ID number.</source>
        <translation>%1不是有效的居民身份证号码。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/applicant_panel.py" line="420"/>
        <source>Enter the agent&apos;s ID number.</source>
        <translation>请填写代理人证件号码。</translation>
    </message>
</context>
<context>
    <name>AuditAlertScreen</name>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="104"/>
        <source>Audit alerts</source>
        <translation>审计告警</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="108"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="111"/>
        <source>Every card read, ID number shown, phone number shown and document printed at a workstation is sealed into its audit trail. The hall checks each trail as it arrives; a break is listed here until a supervisor acknowledges it.</source>
        <translation>窗口电脑上的每次读证、显示完整证件号、显示完整电话号码和打印文书，都封存进该电脑的审计记录。大厅在收到时逐条核对；一旦断链，就列在这里，直到主管确认已处理。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="160"/>
        <source>The hall server did not answer: %1</source>
        <translation>大厅服务器没有应答：%1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="179"/>
        <source>No open audit alerts: every workstation&apos;s audit trail that reached the hall is unbroken.</source>
        <translation>没有未处理的审计告警：送达大厅的各电脑审计记录都完整无缺。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="187"/>
        <source>Acknowledging…</source>
        <translation>正在确认…</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/audit_alerts.py" line="193"/>
        <source>Alert acknowledged by %1.</source>
        <translation>告警已由 %1 确认。</translation>
    </message>
</context>
<context>
    <name>BigBoard</name>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="403"/>
        <source>Hall now — big board</source>
        <translation>大厅实况 — 大屏</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <location filename="../../ui/clerk/booking.py" line="49"/>
        <source>Book an appointment</source>
        <translation>预约</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="63"/>
        <source>Day before (PgUp)</source>
        <translation>前一天 (PgUp)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="66"/>
        <source>Next day (PgDown)</source>
        <translation>后一天 (PgDown)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="79"/>
        <source>18 characters, from the ID card</source>
        <translation>18 位，以身份证为准</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="83"/>
        <source>From the ID card read at the counter</source>
        <translation>取自窗口读取的身份证</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="87"/>
        <source>optional: for the SMS when the turn comes</source>
        <translation>可不填：用于叫号前短信提醒</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="88"/>
        <source>Booked by phone for the applicant</source>
        <translation>电话预约（代申请人预约）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="108"/>
        <source>Book (Enter)</source>
        <translation>预约 (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="113"/>
        <source>Print the slip (Ctrl+P)</source>
        <translation>打印凭条 (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="131"/>
        <source>Business</source>
        <translation>业务</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="132"/>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="133"/>
        <source>Slot</source>
        <translation>时段</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="134"/>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="135"/>
        <source>Mobile</source>
        <translation>手机号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="156"/>
        <source>No business of this hall takes appointments.</source>
        <translation>本中心没有可预约的业务。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="175"/>
        <source>%1 (today)</source>
        <translation>%1（今天）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="183"/>
        <source>%1   %2 of %3 free</source>
        <translation>%1   余 %2 / 共 %3</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="186"/>
        <source>%1   full</source>
        <translation>%1   已约满</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="188"/>
        <source>%1   over</source>
        <translation>%1   已过</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="201"/>
        <source>No free slot on this day: PgDown shows the next day.</source>
        <translation>这一天没有空余时段：按 PgDown 看后一天。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="239"/>
        <source>Choose a slot with free places.</source>
        <translation>请选择有空余名额的时段。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="243"/>
        <source>The ID number is not valid: 17 digits and a check digit or X.</source>
        <translation>身份证号不正确：17 位数字加一位校验码（数字或 X）。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="250"/>
        <source>The mobile number is not valid: 11 digits starting with 1, or leave it empty.</source>
        <translation>手机号不正确：以 1 开头的 11 位数字，或不填。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="255"/>
        <source>Booking…</source>
        <translation>正在预约…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="267"/>
        <source>Code %1</source>
        <translation>预约码 %1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="272"/>
        <source>%1, %2 %3–%4. Please tell the applicant: check in at the ticket machine with this code or the ID card from %5; until %6 the turn comes before ordinary numbers, later it is an ordinary number.</source>
        <translation>%1，%2 %3–%4。请告诉申请人：%5 起凭预约码或身份证在取号机签到；%6 前签到优先叫号，之后按普通号排队。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="280"/>
        <source>Done (Enter)</source>
        <translation>完成 (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="295"/>
        <location filename="../../ui/clerk/booking.py" line="329"/>
        <source>Appointment slip</source>
        <translation>预约凭条</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="300"/>
        <source>ID %1</source>
        <translation>证件号 %1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="314"/>
        <source>Please check in at the ticket machine with this code or your ID card from %1. Checked in by %2, you are called before ordinary numbers; later, it is an ordinary number.</source>
        <translation>请于 %1 起凭预约码或身份证在取号机签到。%2 前签到优先叫号，之后按普通号排队。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="340"/>
        <source>The hall server cannot be reached: appointments cannot be booked now.</source>
        <translation>连不上大厅服务器：现在不能预约。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="342"/>
        <source>The hall server refused.</source>
        <translation>大厅服务器拒绝了。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/booking.py" line="344"/>
        <source>Something went wrong: %1</source>
        <translation>出错了：%1</translation>
    </message>
</context>
<context>
    <name>CallNumberDialog</name>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="194"/>
        <source>Call a number</source>
        <translation>指定叫号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="203"/>
        <source>Ticket number</source>
        <translation>号码</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="90"/>
        <source>waiting</source>
        <translation>正在等候</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="91"/>
        <source>called, not started yet</source>
        <translation>已呼叫，尚未开始办理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="92"/>
        <source>being served</source>
        <translation>正在办理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="93"/>
        <source>parked</source>
        <translation>已挂起</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="94"/>
        <source>a no-show</source>
        <translation>已过号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="95"/>
        <source>transferred</source>
        <translation>已转移</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="96"/>
        <source>finished</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="97"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="103"/>
        <source>Call next</source>
        <translation>呼叫下一位</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="104"/>
        <source>Call again</source>
        <translation>重呼</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="105"/>
        <source>Start</source>
        <translation>开始办理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="106"/>
        <source>Finish</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="107"/>
        <source>Park</source>
        <translation>挂起</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="108"/>
        <source>No-show</source>
        <translation>过号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="109"/>
        <source>Transfer</source>
        <translation>转移</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="110"/>
        <source>Pause</source>
        <translation>暂停叫号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="111"/>
        <source>Call a number</source>
        <translation>指定叫号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="112"/>
        <source>Call back</source>
        <translation>回访</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="113"/>
        <source>Book</source>
        <translation>预约</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="125"/>
        <source>This PC was disabled by the administrator. Please contact IT.</source>
        <translation>本机已被管理员停用，请联系信息科</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="127"/>
        <source>Your login has ended. Please log out and log in again.</source>
        <translation>登录已失效，请退出后重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="129"/>
        <source>This PC or account may not call tickets. Ask IT to check the window set-up.</source>
        <translation>这台电脑或这个账号不能叫号，请联系信息科检查窗口设置。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="132"/>
        <source>This window is paused. Press “Resume” before calling.</source>
        <translation>本窗口已暂停。请先按“恢复叫号”再呼叫。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="134"/>
        <source>Ticket %1 is still at this window. Finish it, park it or mark it as a no-show first.</source>
        <translation>%1 号仍在本窗口。请先办结、挂起或标记过号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="143"/>
        <source>Ticket %1 is %2: “%3” is not possible now.</source>
        <translation>%1 号%2，现在不能“%3”。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="146"/>
        <source>Press “Start” when the applicant arrives.</source>
        <translation>申请人到窗口后请先按“开始办理”。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="147"/>
        <source>%1 %2</source>
        <translation>%1%2</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="150"/>
        <source>Nobody is waiting for this window.</source>
        <translation>本窗口暂时没有人等候。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="152"/>
        <source>There is no ticket %1 today.</source>
        <translation>今天没有 %1 号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="154"/>
        <source>Ticket %1 waits for window %2.</source>
        <translation>%1 号要到 %2 号窗口办理。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="156"/>
        <source>Ticket %1 is for a business type this window does not serve.</source>
        <translation>%1 号办理的业务不在本窗口的范围内。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="159"/>
        <source>Ticket %1 is not at this window.</source>
        <translation>%1 号不在本窗口。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="161"/>
        <source>The return time has passed already: choose a later one.</source>
        <translation>预计返回时间已过，请选一个更晚的时间。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="163"/>
        <source>This window is already paused.</source>
        <translation>本窗口已经暂停了。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="165"/>
        <source>This window is not paused.</source>
        <translation>本窗口没有暂停。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="167"/>
        <source>The ticket is already there: choose another business type or window.</source>
        <translation>这个号已经在那里了，请选择其他业务或窗口。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="169"/>
        <source>The applicant already holds waiting ticket %1 there.</source>
        <translation>这位申请人在那里已经有一个等候中的号：%1。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="172"/>
        <source>Ticket %1 is from another day.</source>
        <translation>%1 号不是今天的号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="173"/>
        <source>The hall server refused: %1</source>
        <translation>大厅服务器拒绝了请求：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="370"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="380"/>
        <location filename="../../ui/clerk/call_panel.py" line="525"/>
        <source>No ticket at the counter.</source>
        <translation>窗口前暂无办理的号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="397"/>
        <source>Parked tickets</source>
        <translation>挂起的号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="463"/>
        <source>Resume</source>
        <translation>恢复叫号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="506"/>
        <source>The hall server is reachable again: calling works.</source>
        <translation>已重新连接大厅服务器，可以叫号了。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="509"/>
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="514"/>
        <source>Also serving window %1</source>
        <translation>AB角：兼办 %1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="533"/>
        <source>called %1 times</source>
        <translation>已呼叫 %1 次</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="535"/>
        <source>priority</source>
        <translation>优先</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="539"/>
        <source>Waiting: %1</source>
        <translation>等候：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="552"/>
        <source>Parked tickets: %1</source>
        <translation>挂起的号：%1 个</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="589"/>
        <source>Serving for %1</source>
        <translation>已办理 %1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="591"/>
        <source>Called %1 ago</source>
        <translation>已呼叫 %1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="650"/>
        <source>The keys pressed after it were not acted on.</source>
        <translation>之后按的键未执行。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="667"/>
        <source>Something went wrong: %1</source>
        <translation>出现问题：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="670"/>
        <source>The hall server cannot be reached, so calling is not possible now. You can go on with the applicant at the counter; calling comes back by itself.</source>
        <translation>无法连接大厅服务器，暂时不能叫号。您可以继续为窗口前的申请人办理；连接恢复后叫号会自动恢复。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="677"/>
        <source>There is no ticket at the counter.</source>
        <translation>窗口前没有正在办理的号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="686"/>
        <source>Calling %1.</source>
        <translation>正在呼叫 %1 号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="702"/>
        <source>Choose a parked ticket first.</source>
        <translation>请先选择一个挂起的号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="711"/>
        <source>Calling %1 again.</source>
        <translation>再次呼叫 %1 号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="712"/>
        <source>Serving %1.</source>
        <translation>开始为 %1 号办理。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="713"/>
        <source>%1 is finished.</source>
        <translation>%1 号已办结。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="714"/>
        <source>%1 is parked; you can call the next one.</source>
        <translation>%1 号已挂起，可以呼叫下一位。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="715"/>
        <source>%1 is marked as a no-show.</source>
        <translation>%1 号已标记为过号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="720"/>
        <source>%1 did not come after the last call: marked as a no-show.</source>
        <translation>%1 号多次呼叫未到，已标记为过号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="736"/>
        <source>%1 is transferred.</source>
        <translation>%1 号已转移。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="746"/>
        <source>The window is open again.</source>
        <translation>本窗口已恢复叫号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="755"/>
        <source>The window is paused: no ticket is called to it.</source>
        <translation>本窗口已暂停，不会有号被叫到本窗口。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="770"/>
        <source>Appointment %1 booked.</source>
        <translation>已预约，预约码 %1。</translation>
    </message>
</context>
<context>
    <name>CaseDialog</name>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="80"/>
        <source>Case %1</source>
        <translation>办件 %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="96"/>
        <source>Case number</source>
        <translation>办件编号</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="96"/>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="97"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="97"/>
        <source>Accepted by</source>
        <translation>受理人</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="98"/>
        <location filename="../../ui/supervisor/deadlines.py" line="114"/>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="98"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="99"/>
        <source>Accepted at</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="100"/>
        <source>Promised by</source>
        <translation>承诺办结日期</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="101"/>
        <location filename="../../ui/supervisor/deadlines.py" line="114"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="113"/>
        <source>Accepted at the counter</source>
        <translation>窗口受理</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="114"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="114"/>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="114"/>
        <source>Who</source>
        <translation>经办人</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="115"/>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="116"/>
        <source>received</source>
        <translation>已收</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="116"/>
        <source>outstanding</source>
        <translation>未收</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="116"/>
        <source>, due %1</source>
        <translation>，应于 %1 前补齐</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="121"/>
        <source>History</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="129"/>
        <source>Deferred materials</source>
        <translation>容缺材料</translation>
    </message>
</context>
<context>
    <name>CasePanel</name>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="94"/>
        <source>Mailed to the applicant</source>
        <translation>已邮寄送达</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="96"/>
        <source>Accepted, waiting to be handled</source>
        <translation>已受理，待办理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="97"/>
        <source>Being handled</source>
        <translation>办理中</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="98"/>
        <source>Concluded, ready to hand over</source>
        <translation>已办结，待领取</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="99"/>
        <source>Collected by the applicant</source>
        <translation>已领取</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="100"/>
        <source>Notified once of what is missing (not accepted)</source>
        <translation>一次性告知（未受理）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="101"/>
        <location filename="../../ui/clerk/case_panel.py" line="111"/>
        <source>Not accepted</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="107"/>
        <source>Accepted</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="108"/>
        <source>Accepted with deficiency</source>
        <translation>容缺受理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="109"/>
        <source>Accepted on commitment</source>
        <translation>告知承诺</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="110"/>
        <source>Notified once</source>
        <translation>一次性告知</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="118"/>
        <source>Start handling</source>
        <translation>开始办理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="119"/>
        <source>Conclude</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="120"/>
        <source>Hand over / mail</source>
        <translation>领取/送达</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="121"/>
        <source>Deferred material received</source>
        <translation>容缺后补</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="122"/>
        <source>Verify the commitment</source>
        <translation>核查</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="127"/>
        <source>Approved</source>
        <translation>准予</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="128"/>
        <source>Refused</source>
        <translation>不予许可</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="132"/>
        <source>Collected at the window</source>
        <translation>窗口领取</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="133"/>
        <source>Sent by mail</source>
        <translation>邮寄送达</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="137"/>
        <source>Waiting to be verified</source>
        <translation>待核查</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="138"/>
        <source>Verified: the commitment is true</source>
        <translation>已核查：承诺属实</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="139"/>
        <source>Verified: the commitment is false</source>
        <translation>已核查：承诺不实</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="144"/>
        <source>Due soon</source>
        <translation>临近期限</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="145"/>
        <source>Yellow card</source>
        <translation>黄牌</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="146"/>
        <source>Red card: past the promised date</source>
        <translation>红牌：已超承诺期限</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="157"/>
        <location filename="../../ui/clerk/case_panel.py" line="801"/>
        <location filename="../../ui/clerk/case_panel.py" line="845"/>
        <source>window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="162"/>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="175"/>
        <source>Another window concluded this case first (%1). It is not concluded again: see its history.</source>
        <translation>另一窗口已先办结此件（%1），不再重复办结，请查看处理经过。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="177"/>
        <source>Another window concluded this case first. It is not concluded again: see its history.</source>
        <translation>另一窗口已先办结此件，不再重复办结，请查看处理经过。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="180"/>
        <source>The result of this case was handed over already (%1).</source>
        <translation>此件的办理结果已经领取或送达（%1）。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="181"/>
        <source>The result of this case was handed over already.</source>
        <translation>此件的办理结果已经领取或送达。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="183"/>
        <source>Another window started handling this case already (%1).</source>
        <translation>另一窗口已开始办理此件（%1）。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="184"/>
        <source>Another window started handling this case already.</source>
        <translation>另一窗口已开始办理此件。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="186"/>
        <source>Deferred materials are still outstanding: record them as received before concluding.</source>
        <translation>还有容缺材料未补齐：请先登记容缺后补，再办结。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="189"/>
        <source>That material was recorded as received already.</source>
        <translation>该材料已登记为补齐。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="191"/>
        <source>The commitment was verified already.</source>
        <translation>该告知承诺已核查过。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="193"/>
        <source>This case was not accepted on commitment: there is nothing to verify.</source>
        <translation>此件不是告知承诺受理的，无需核查。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="203"/>
        <source>The case is now “%1”: “%2” is not possible any more.</source>
        <translation>此件现为「%1」，不能再「%2」。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="205"/>
        <source>The hall server does not know this case (yet).</source>
        <translation>大厅服务器（尚）无此办件。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="206"/>
        <source>The hall server refused the step: %1</source>
        <translation>大厅服务器拒绝了这一步：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="411"/>
        <source>Case number: type it, or scan the QR code on the notice</source>
        <translation>办件编号：手工输入，或扫描通知书上的二维码</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="413"/>
        <source>Find (Enter)</source>
        <translation>查找（回车）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="416"/>
        <source>Read ID card to find (%1)</source>
        <translation>读身份证查找（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="421"/>
        <location filename="../../ui/clerk/case_panel.py" line="447"/>
        <source>Case number</source>
        <translation>办件编号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="438"/>
        <location filename="../../ui/clerk/case_panel.py" line="765"/>
        <source>No case on screen.</source>
        <translation>尚未选择办件。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="426"/>
        <source>Read the applicant&apos;s ID card to list their cases here.</source>
        <translation>读取申请人身份证后，这里列出其办件。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="447"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="447"/>
        <source>Department</source>
        <translation>受理部门</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="448"/>
        <source>Decision</source>
        <translation>受理决定</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="448"/>
        <source>Accepted at</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="449"/>
        <source>Promised completion</source>
        <translation>承诺办结日期</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="449"/>
        <source>Result</source>
        <translation>办理结果</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="450"/>
        <source>Commitment</source>
        <translation>告知承诺</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="471"/>
        <source>Deferred materials</source>
        <translation>容缺材料</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="478"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="478"/>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="478"/>
        <source>By</source>
        <translation>办理人</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="478"/>
        <source>Details</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="493"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="510"/>
        <source>History</source>
        <translation>处理经过</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="534"/>
        <location filename="../../ui/clerk/case_panel.py" line="669"/>
        <source>No card reader is configured for this window.</source>
        <translation>本窗口未配置读卡器。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="536"/>
        <source>Cases after the counter need a clerk logged in at this window.</source>
        <translation>办件查询和办理需要窗口人员在本窗口登录。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="562"/>
        <source>No case number in “%1”: %2</source>
        <translation>“%1”不是有效的办件编号：%2</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="563"/>
        <source>Type or scan the case number.</source>
        <translation>请输入或扫描办件编号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="576"/>
        <source>Looking the case up…</source>
        <translation>正在查找办件…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="587"/>
        <source>Offline: shown as this window recorded it; steps taken at other windows are not shown. Steps are saved and uploaded when the hall server is back.</source>
        <translation>离线：按本窗口的记录显示，其他窗口的办理情况未显示。办理步骤先保存在本机，联网后自动上传。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="604"/>
        <source>The hall server knows no case with this number. Check the number (a case accepted offline at another window appears once it is uploaded).</source>
        <translation>大厅服务器没有这个办件编号。请核对编号（其他窗口离线受理的办件，上传后才能查到）。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="608"/>
        <source>The hall server cannot be reached. This window accepted the case, but its copy here was removed after the hall confirmed it (applicants&apos; data stays on this PC only for a few days): the case is on the hall server only now, look it up when the hall server is back.</source>
        <translation>连不上大厅服务器。此件是本窗口受理的，但大厅确认收到后，本机的副本已按规定删除（申请人信息在本机只保留数天）：现在只有大厅服务器上有此件，联网后再查。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="613"/>
        <source>The hall server cannot be reached, and this window did not accept the case: it can be looked up when the hall server is back.</source>
        <translation>连不上大厅服务器，且此件不是本窗口受理的：联网后才能查到。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="616"/>
        <source>The case could not be looked up: %1</source>
        <translation>未能查到办件：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="638"/>
        <source>One thing %1 (%2): %3 items</source>
        <translation>一件事 %1（%2）：%3 个事项</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="651"/>
        <source>the hall server cannot be reached</source>
        <translation>连不上大厅服务器</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="654"/>
        <source>the hall server does not know this case</source>
        <translation>大厅服务器没有此办件</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="656"/>
        <source>the hall server cannot use this number</source>
        <translation>大厅服务器无法识别这个号码</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="658"/>
        <source>your login has ended; log out and log in again</source>
        <translation>登录已失效，请退出后重新登录</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="674"/>
        <source>Reading the card…</source>
        <translation>正在读取证件…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="692"/>
        <source>Cases of %1 (%2): %3</source>
        <translation>%1（%2）的办件：%3 件</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="732"/>
        <source>%1
%2 · %3</source>
        <translation>%1
%2 · %3</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="699"/>
        <source>No case of %1 was found.</source>
        <translation>没有找到 %1 的办件。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="712"/>
        <source>no card on the reader; place the card and try again</source>
        <translation>读卡器上没有证件，请放好证件后重试</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="713"/>
        <source>the card was moved during the read; place it again</source>
        <translation>读卡时证件被移动，请重新放好</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="714"/>
        <source>the reader does not answer</source>
        <translation>读卡器没有响应</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="715"/>
        <source>the reader is not connected or not usable</source>
        <translation>读卡器未连接或无法使用</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="718"/>
        <source>The card could not be read: %1</source>
        <translation>未能读取证件：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="723"/>
        <source>Finding cases by ID card needs the hall server, which cannot be reached now. Type or scan the case number instead.</source>
        <translation>按身份证查找需要连接大厅服务器，现在连不上。请改为输入或扫描办件编号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="726"/>
        <source>The number on this card is not a valid resident ID number.</source>
        <translation>此证件上的号码不是有效的居民身份证号码。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="728"/>
        <source>The applicant&apos;s cases could not be found: %1</source>
        <translation>未能查到申请人的办件：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="738"/>
        <source>Sub %1 · %2</source>
        <translation>子件 %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="782"/>
        <source>%1 (one thing %2, sub %3)</source>
        <translation>%1（一件事 %2 · 子件 %3）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="803"/>
        <source>on the spot</source>
        <translation>即办件</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="808"/>
        <source>not accepted on commitment</source>
        <translation>非告知承诺</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="816"/>
        <source>%1 — received</source>
        <translation>%1 —— 已补齐</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="818"/>
        <source>%1 — due %2, OVERDUE</source>
        <translation>%1 —— 应于 %2 前补齐，已逾期</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="820"/>
        <source>%1 — due %2</source>
        <translation>%1 —— 应于 %2 前补齐</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="822"/>
        <source>%1 — outstanding</source>
        <translation>%1 —— 未补齐</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="835"/>
        <location filename="../../ui/clerk/case_panel.py" line="845"/>
        <source>%1, window %2</source>
        <translation>%1，%2 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="895"/>
        <source>Recorded, uploading…</source>
        <translation>已记录，正在上传…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="915"/>
        <source>The step was not recorded: %1</source>
        <translation>未能记录：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="924"/>
        <source>Saved; it is uploaded automatically when the hall server is reachable.</source>
        <translation>已保存，联网后自动上传。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="925"/>
        <source>Saved; waiting to be uploaded.</source>
        <translation>已保存，等待上传。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="955"/>
        <source>Not accepted by the hall server: %1</source>
        <translation>大厅服务器未接受：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="957"/>
        <source>Uploaded: “%1” of case %2.</source>
        <translation>已上传：办件 %2 的「%1」。</translation>
    </message>
</context>
<context>
    <name>CaseStepDialog</name>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="278"/>
        <source>%1 — case %2</source>
        <translation>%1 —— 办件 %2</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="295"/>
        <source>Approved</source>
        <translation>准予</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="296"/>
        <source>Refused</source>
        <translation>不予许可</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="297"/>
        <source>Result</source>
        <translation>办理结果</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="298"/>
        <source>When refused: the reason, as the decision states it</source>
        <translation>不予许可时，填写决定书上的理由</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="302"/>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="303"/>
        <source>Received by</source>
        <translation>领取人</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="312"/>
        <source>%1 (due %2)</source>
        <translation>%1（应于 %2 前补齐）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="314"/>
        <source>Material received</source>
        <translation>补齐的材料</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="316"/>
        <source>True</source>
        <translation>属实</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="317"/>
        <source>False</source>
        <translation>不实</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="318"/>
        <source>The commitment is</source>
        <translation>承诺核查结果</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="319"/>
        <source>When false: what was found</source>
        <translation>不实时，填写核查发现的情况</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="322"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="340"/>
        <source>Addressee and the tracking number</source>
        <translation>收件人及快递单号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="341"/>
        <source>Name of who collected it (the applicant or their agent)</source>
        <translation>领取人姓名（申请人本人或代理人）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="348"/>
        <source>A refusal needs its reason in the note.</source>
        <translation>不予许可须在备注中写明理由。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="354"/>
        <source>Enter who received the result.</source>
        <translation>请填写领取人或收件人。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="357"/>
        <source>Received by: %1</source>
        <translation>领取人：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="361"/>
        <source>No deferred material is outstanding.</source>
        <translation>没有待补齐的容缺材料。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/case_panel.py" line="366"/>
        <source>A false commitment needs what was found in the note.</source>
        <translation>承诺不实须在备注中写明核查情况。</translation>
    </message>
</context>
<context>
    <name>CaseWords</name>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="57"/>
        <source>Red card</source>
        <translation>红牌</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="57"/>
        <source>Yellow card</source>
        <translation>黄牌</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="58"/>
        <source>Reminder</source>
        <translation>提醒</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="58"/>
        <source>On time</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="63"/>
        <source>Accepted</source>
        <translation>已受理</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="63"/>
        <source>In progress</source>
        <translation>办理中</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="64"/>
        <location filename="../../ui/supervisor/deadlines.py" line="69"/>
        <source>Concluded</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="64"/>
        <location filename="../../ui/supervisor/deadlines.py" line="70"/>
        <source>Handed over</source>
        <translation>已领取/送达</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="65"/>
        <source>Told once what is missing</source>
        <translation>一次性告知</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="66"/>
        <source>Not accepted</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="69"/>
        <source>Started</source>
        <translation>开始办理</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="70"/>
        <source>Deferred material received</source>
        <translation>容缺后补</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="71"/>
        <source>Commitment verified</source>
        <translation>告知承诺核查</translation>
    </message>
</context>
<context>
    <name>CitizenScreen</name>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="35"/>
        <source>Citizen screen</source>
        <translation>群众屏</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="141"/>
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="142"/>
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="146"/>
        <source>Now serving: %1</source>
        <translation>正在办理：%1 号</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="151"/>
        <source>Applicant: %1 — please confirm this is you</source>
        <translation>申请人：%1&#x3000;请确认是否为您本人</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="25"/>
        <source>received</source>
        <translation>已收到</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="26"/>
        <source>missing</source>
        <translation>还缺少</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="27"/>
        <source>needs correcting</source>
        <translation>需要补正</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="28"/>
        <source>being checked</source>
        <translation>正在核对</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="95"/>
        <source>This window is paused for a moment. Please wait.</source>
        <translation>本窗口暂停服务片刻，请稍候。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="167"/>
        <source>The clerk is checking your materials. Please wait a moment.</source>
        <translation>工作人员正在核对您的材料，请稍等。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="169"/>
        <source>%1 of your materials must be brought or corrected. The clerk will tell you how.</source>
        <translation>有 %1 份材料需要补交或补正，工作人员会告诉您怎么办。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="172"/>
        <source>All your materials are here.</source>
        <translation>您的材料都齐了。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/citizen_screen.py" line="173"/>
        <source>Your materials for: %1</source>
        <translation>您办理的事项：%1</translation>
    </message>
</context>
<context>
    <name>ClerkApp</name>
    <message>
        <location filename="../../ui/clerk/app.py" line="74"/>
        <location filename="../../ui/clerk/app.py" line="81"/>
        <source>Card reader: %1</source>
        <translation>读卡器：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="101"/>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="101"/>
        <source>not ready</source>
        <translation>未就绪</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="103"/>
        <source>Card reader: %1 (%2)</source>
        <translation>读卡器：%1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="147"/>
        <source>Logged in while the hall server was unreachable: log in again when it is back to call tickets. Everything else works.</source>
        <translation>登录时无法连接大厅服务器：连接恢复后请重新登录才能叫号，其他功能照常使用。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="336"/>
        <source>read or type the applicant&apos;s ID number first</source>
        <translation>请先读取或输入申请人身份证号码</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="359"/>
        <source>One thing %1 saved, %2 items:</source>
        <translation>一件事 %1 已保存，共 %2 个事项：</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="379"/>
        <source>Case %1 saved: %2.</source>
        <translation>办件 %1 已保存：%2。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="365"/>
        <location filename="../../ui/clerk/app.py" line="382"/>
        <source> Promised completion: %1.</source>
        <translation>承诺办结日期：%1。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="384"/>
        <source> The completion date is unknown: %1</source>
        <translation>无法计算办结日期：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/app.py" line="396"/>
        <source>The case was not saved: %1</source>
        <translation>办件未能保存：%1</translation>
    </message>
</context>
<context>
    <name>ConfigError</name>
    <message>
        <location filename="../../ui/app.py" line="120"/>
        <source>The settings cannot be used</source>
        <translation>设置无法使用</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="121"/>
        <source>The configuration file has a mistake, so the program does not start:

%1

Ask IT to correct it; nothing saved on this PC is touched.</source>
        <translation>配置文件有误，程序无法启动：

%1

请联系 IT 修正；本机已保存的内容不受影响。</translation>
    </message>
</context>
<context>
    <name>ConsentPage</name>
    <message>
        <location filename="../../ui/citizen/consent_page.py" line="39"/>
        <source>May this centre keep the materials you handed in today, so that you need not bring them again next time?</source>
        <translation>同意本中心保存您本次提交的材料，下次办事无需重复提交？</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/consent_page.py" line="45"/>
        <source>If you do not agree, nothing is kept. Either way your application goes on.</source>
        <translation>如不同意，我们不会保存任何材料。同意与否，都不影响您本次办事。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/consent_page.py" line="50"/>
        <source>Agree</source>
        <translation>同意</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/consent_page.py" line="52"/>
        <source>Do not agree</source>
        <translation>不同意</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/consent_page.py" line="78"/>
        <source>kept until %1</source>
        <translation>保存至 %1</translation>
    </message>
</context>
<context>
    <name>DeadlineScreen</name>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="164"/>
        <source>All open cases</source>
        <translation>全部在办件</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="164"/>
        <source>Reminder and worse</source>
        <translation>提醒及以上</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="165"/>
        <source>Yellow and red cards</source>
        <translation>黄牌和红牌</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="165"/>
        <source>Red cards only</source>
        <translation>仅红牌</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="173"/>
        <source>Case number or item</source>
        <translation>办件编号或事项</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="176"/>
        <source>&amp;Level</source>
        <translation>等级(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="176"/>
        <source>&amp;Department</source>
        <translation>部门(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="177"/>
        <source>&amp;Clerk</source>
        <translation>受理人(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="177"/>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="189"/>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="189"/>
        <source>Case number</source>
        <translation>办件编号</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="189"/>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="189"/>
        <location filename="../../ui/supervisor/deadlines.py" line="218"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="189"/>
        <source>Accepted by</source>
        <translation>受理人</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="190"/>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="190"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="190"/>
        <source>Accepted</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="190"/>
        <source>Promised by</source>
        <translation>承诺办结</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="190"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="208"/>
        <location filename="../../ui/supervisor/deadlines.py" line="365"/>
        <source>No open case is near or past its promised date.</source>
        <translation>目前没有临近或超过承诺期限的在办件。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="220"/>
        <source>Clerk</source>
        <translation>受理人</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="225"/>
        <source>Per department</source>
        <translation>按部门</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="225"/>
        <source>Per clerk</source>
        <translation>按受理人</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="262"/>
        <source>Open</source>
        <translation>在办</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="262"/>
        <source>Reminder</source>
        <translation>提醒</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="262"/>
        <source>Yellow</source>
        <translation>黄牌</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="263"/>
        <source>Red</source>
        <translation>红牌</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="279"/>
        <source>Red card: case %1 (%2) is past its promised date.</source>
        <translation>红牌：办件 %1（%2）已超过承诺办结期限。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="290"/>
        <source>The hall server did not answer: %1</source>
        <translation>大厅服务器没有应答：%1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="307"/>
        <source>Open cases %1 · reminders %2 · yellow cards %3 · red cards %4 (as of %5)</source>
        <translation>在办件 %1 · 提醒 %2 · 黄牌 %3 · 红牌 %4（%5）</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="309"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="311"/>
        <source>All clerks</source>
        <translation>全部受理人</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="363"/>
        <source>No case matches the filters.</source>
        <translation>没有符合筛选条件的办件。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/deadlines.py" line="399"/>
        <source> (%1 days over)</source>
        <translation>（超期 %1 天）</translation>
    </message>
</context>
<context>
    <name>DisplayWindow</name>
    <message>
        <location filename="../../ui/display/window.py" line="97"/>
        <source>Hall display</source>
        <translation>大厅综合屏</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="110"/>
        <source>Government service hall</source>
        <translation>政务服务中心</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="118"/>
        <source>Now calling</source>
        <translation>正在呼叫</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="132"/>
        <source>Window · now serving</source>
        <translation>窗口 · 正在办理</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="148"/>
        <source>Waiting</source>
        <translation>等候人数</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="248"/>
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="257"/>
        <source>Please go to %1</source>
        <translation>请到 %1</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="121"/>
        <source>Please take a number and watch this screen</source>
        <translation>请取号后留意屏幕叫号</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="316"/>
        <source>%1 people</source>
        <translation>%1 人</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="321"/>
        <source>Connecting to the hall server…</source>
        <translation>正在连接大厅服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/display/window.py" line="328"/>
        <source>The voice is not working (%1); calls are shown only.</source>
        <translation>语音播报故障（%1），叫号只在屏幕上显示。</translation>
    </message>
</context>
<context>
    <name>DocumentFlow</name>
    <message>
        <location filename="../../ui/clerk/document_flow.py" line="105"/>
        <source>The document could not be made: %1</source>
        <translation>文书未能生成：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/document_flow.py" line="129"/>
        <source>The print was not recorded: %1</source>
        <translation>打印记录未能保存：%1</translation>
    </message>
</context>
<context>
    <name>DocumentPrinting</name>
    <message>
        <location filename="../../ui/clerk/document_printing.py" line="53"/>
        <source>Print %1</source>
        <translation>打印 %1</translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="20"/>
        <location filename="../../ui/clerk/documents_panel.py" line="47"/>
        <source>No document for this case yet.</source>
        <translation>本件尚无文书。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="24"/>
        <source>Signs on paper instead</source>
        <translation>改为纸质签名</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="26"/>
        <source>The applicant cannot sign on the screen: issue the document and let them sign the printed copy</source>
        <translation>申请人无法在屏上签名：直接出具文书，由申请人在打印件上手写签名</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="28"/>
        <location filename="../../ui/clerk/documents_panel.py" line="80"/>
        <source>Print… (Ctrl+P)</source>
        <translation>打印…（Ctrl+P）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="52"/>
        <source>Preparing the document…</source>
        <translation>正在生成文书…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="57"/>
        <source>%1

Waiting for the applicant to sign on the citizen screen.</source>
        <translation>%1

等待申请人在群众屏上签名。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="64"/>
        <source>Signed. Sealing and saving the document…</source>
        <translation>已签名，正在加盖电子签章并保存…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="70"/>
        <source>Signed by the applicant</source>
        <translation>申请人已签名</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="71"/>
        <source>To be signed by hand on the printed copy</source>
        <translation>由申请人在打印件上手写签名</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="73"/>
        <source>Sealed with the hall&apos;s digital signature</source>
        <translation>已加盖中心电子签章</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="75"/>
        <source>Not sealed digitally: %1</source>
        <translation>未加盖电子签章：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="76"/>
        <source>SHA-256 %1…</source>
        <translation>SHA-256 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="84"/>
        <source>Print again… (Ctrl+P)</source>
        <translation>再次打印…（Ctrl+P）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/documents_panel.py" line="85"/>
        <source>Printed (copy %1).</source>
        <translation>已打印（第 %1 份）。</translation>
    </message>
</context>
<context>
    <name>Durations</name>
    <message>
        <location filename="../../ui/supervisor/live.py" line="132"/>
        <source>&lt;1 min</source>
        <translation>不到 1 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/live.py" line="133"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="159"/>
        <source>Export ratings</source>
        <translation>导出评价数据</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="167"/>
        <source>CSV (spreadsheet)</source>
        <translation>CSV（电子表格）</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="168"/>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="173"/>
        <source>From</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="174"/>
        <source>To</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="175"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
</context>
<context>
    <name>FollowUpScreen</name>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="209"/>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="210"/>
        <source>Overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="211"/>
        <source>Closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="212"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="223"/>
        <source>Export ratings…</source>
        <translation>导出评价数据…</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="230"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="422"/>
        <source>Due</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="230"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="421"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="230"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="416"/>
        <source>Rating</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="231"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="409"/>
        <source>Service item</source>
        <translation>办理事项</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="231"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="411"/>
        <source>Window / clerk</source>
        <translation>窗口 / 工作人员</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="232"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="416"/>
        <source>Rated</source>
        <translation>评价时间</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="232"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="409"/>
        <source>Case</source>
        <translation>办件</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="249"/>
        <source>Choose a task to see its case, its rating and what was done.</source>
        <translation>请选择一件差评，查看办件、评价内容和处理经过。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="261"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="462"/>
        <source>Show full phone number</source>
        <translation>显示完整号码</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="264"/>
        <source>The full number is shown after you give a reason; this is recorded in the audit log.</source>
        <translation>填写理由后显示完整号码，此操作将记入审计日志。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="310"/>
        <source>The hall server cannot be reached; the list is tried again by itself.</source>
        <translation>无法连接大厅服务器，稍后会自动重试。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="312"/>
        <source>Your login has ended or may not do this. Please log in again.</source>
        <translation>登录已过期或无此权限，请重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="314"/>
        <source>The hall server refused: %1</source>
        <translation>大厅服务器拒绝了请求：%1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="316"/>
        <source>Something went wrong: %1</source>
        <translation>出现问题：%1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="342"/>
        <source>%1 — overdue</source>
        <translation>%1（已超期）</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="343"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="422"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="345"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="411"/>
        <source>Window %1 · %2</source>
        <translation>%1 号窗口 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="358"/>
        <source>%1 tasks, %2 overdue</source>
        <translation>共 %1 件，其中 %2 件已超期</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="410"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="413"/>
        <source>Decision</source>
        <translation>办理结果</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="413"/>
        <source>Accepted</source>
        <translation>受理时间</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="414"/>
        <source>Promised by</source>
        <translation>承诺办结时间</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="415"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="417"/>
        <source>What went wrong</source>
        <translation>不满意的方面</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="418"/>
        <source>Indicators</source>
        <translation>评价指标</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="419"/>
        <source>In their words</source>
        <translation>评价人原话</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="420"/>
        <source>Call back</source>
        <translation>回访</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="401"/>
        <source>not wanted</source>
        <translation>不需要回访</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="423"/>
        <source>(overdue)</source>
        <translation>（已超期）</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="427"/>
        <source>Handwritten note</source>
        <translation>手写意见</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="432"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="437"/>
        <source>History</source>
        <translation>处理经过</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="463"/>
        <source>Why do you need the applicant&apos;s full phone number?</source>
        <translation>请填写查看申请人完整电话号码的理由：</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="475"/>
        <source>Please give a reason to see the full phone number.</source>
        <translation>查看完整电话号码须填写理由。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="484"/>
        <source>The full phone number is shown; this was recorded in the audit log.</source>
        <translation>已显示完整电话号码，此操作已记入审计日志。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="508"/>
        <source>Case %1: %2.</source>
        <translation>办件 %1：%2。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="524"/>
        <source>Export ratings</source>
        <translation>导出评价数据</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="536"/>
        <source>Ratings exported to %1.</source>
        <translation>评价数据已导出到 %1。</translation>
    </message>
</context>
<context>
    <name>FollowUpWords</name>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="98"/>
        <source>Open</source>
        <translation>待处理</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="98"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="111"/>
        <source>Called back</source>
        <translation>已回访</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="99"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="105"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="111"/>
        <source>Rectified</source>
        <translation>已整改</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="99"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="105"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="112"/>
        <source>Explained</source>
        <translation>已解释说明</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="100"/>
        <location filename="../../ui/supervisor/follow_ups.py" line="112"/>
        <source>Closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="104"/>
        <source>Record a call-back</source>
        <translation>登记回访</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="106"/>
        <source>Close</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="110"/>
        <source>Opened by the bad rating</source>
        <translation>差评生成整改任务</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="115"/>
        <source>What did the applicant say on the call?</source>
        <translation>回访时申请人怎么说？</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="116"/>
        <source>What was fixed?</source>
        <translation>整改了什么？</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="117"/>
        <source>What was explained to the applicant?</source>
        <translation>向申请人作了哪些解释说明？</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="118"/>
        <source>A closing note (optional)</source>
        <translation>办结说明（可不填）</translation>
    </message>
</context>
<context>
    <name>HallBoard</name>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="182"/>
        <source>Hall now</source>
        <translation>大厅实况</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="198"/>
        <source>Business type</source>
        <translation>业务类型</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="198"/>
        <source>Waiting</source>
        <translation>等候人数</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="198"/>
        <source>Longest wait</source>
        <translation>最长等候</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="198"/>
        <source>Average wait today</source>
        <translation>今日平均等候</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="199"/>
        <source>Average service today</source>
        <translation>今日平均办理</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="199"/>
        <source>Served today</source>
        <translation>今日已办</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="199"/>
        <source>Windows open</source>
        <translation>开放窗口</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="262"/>
        <source>The hall server did not answer: %1</source>
        <translation>大厅服务器没有应答：%1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="271"/>
        <source>updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="376"/>
        <source>%1 (%2, %3)</source>
        <translation>%1（%2，%3）</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="379"/>
        <source>Waiting longer than %1 min: %2</source>
        <translation>等候超过 %1 分钟：%2</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="381"/>
        <source> … and %1 more</source>
        <translation> …… 另有 %1 张</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="383"/>
        <source>Nobody has waited longer than %1 min.</source>
        <translation>目前无人等候超过 %1 分钟。</translation>
    </message>
</context>
<context>
    <name>HallWords</name>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="59"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="59"/>
        <source>Out on an errand</source>
        <translation>外出办事</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="60"/>
        <source>Break</source>
        <translation>休息</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="60"/>
        <source>Training</source>
        <translation>培训</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="61"/>
        <source>Away</source>
        <translation>暂离</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="68"/>
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="74"/>
        <source>Serving %1 · since %2</source>
        <translation>服务中 %1 · %2起</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="75"/>
        <source>Serving %1</source>
        <translation>服务中 %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="77"/>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="82"/>
        <source>Paused · %1 · back about %2</source>
        <translation>暂停服务 · %1 · 预计 %2 返回</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="83"/>
        <source>Paused · %1</source>
        <translation>暂停服务 · %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="83"/>
        <source>Paused</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="85"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="86"/>
        <source>Nobody logged in</source>
        <translation>无人登录</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="92"/>
        <source>Served today %1</source>
        <translation>今日已办 %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="94"/>
        <source>parked %1</source>
        <translation>挂起 %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="100"/>
        <source>AB backup: window %1 serves its queue now</source>
        <translation>AB角：由 %1 号窗口代办</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="102"/>
        <source>AB backup: window %1</source>
        <translation>AB角：%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/hall_board.py" line="104"/>
        <source>Covering window %1</source>
        <translation>正在代办 %1 号窗口</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <location filename="../../ui/kiosk/window.py" line="147"/>
        <source>Ticket machine</source>
        <translation>取号机</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="162"/>
        <source>Government service hall</source>
        <translation>政务服务中心</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="175"/>
        <location filename="../../ui/kiosk/window.py" line="379"/>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="179"/>
        <location filename="../../ui/kiosk/window.py" line="626"/>
        <source>Large text</source>
        <translation>大字</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="211"/>
        <location filename="../../ui/kiosk/window.py" line="569"/>
        <location filename="../../ui/kiosk/window.py" line="643"/>
        <source>Please choose your business</source>
        <translation>请选择您要办理的业务</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="213"/>
        <source>Cancel priority</source>
        <translation>取消优先</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="223"/>
        <source>Connecting to the hall…</source>
        <translation>正在连接大厅…</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="224"/>
        <location filename="../../ui/kiosk/window.py" line="384"/>
        <source>Priority service (green channel)</source>
        <translation>绿色通道 优先办理</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="227"/>
        <source>Check in an appointment</source>
        <translation>预约签到</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="244"/>
        <source>Who is the priority service for?</source>
        <translation>请选择优先办理的人员</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="253"/>
        <source>Please show your certificate to the staff at the window.</source>
        <translation>办理时请向窗口工作人员出示相关证件。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="255"/>
        <location filename="../../ui/kiosk/window.py" line="304"/>
        <location filename="../../ui/kiosk/window.py" line="785"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="264"/>
        <source>The code is in the message you got when you booked. Or put your ID card on the reader.</source>
        <translation>预约码在预约成功的短信里。也可以把身份证放在读卡区。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="266"/>
        <source>Check in with my ID card</source>
        <translation>用身份证签到</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="276"/>
        <source>ABC</source>
        <translation>字母</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="286"/>
        <source>123</source>
        <translation>数字</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="295"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="298"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="301"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="315"/>
        <source>Please enter your appointment code</source>
        <translation>请输入预约码</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="334"/>
        <location filename="../../ui/kiosk/window.py" line="420"/>
        <source>Your number</source>
        <translation>您的号码</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="343"/>
        <location filename="../../ui/kiosk/window.py" line="425"/>
        <source>Please listen for your number and watch the screen.</source>
        <translation>请留意叫号，关注屏幕提示。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="381"/>
        <source>How to take a number</source>
        <translation>怎样取号</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="382"/>
        <source>Touch the business you came for. Take the ticket that comes out. Sit down and wait: when your number is called, the screen shows which window to go to.</source>
        <translation>点一下您要办理的业务，取走打印出来的号票。请坐下等候：叫到您的号码时，屏幕上会显示请您去几号窗口。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="385"/>
        <source>For people aged 70 and over, people with disabilities and military personnel. Touch the green button first, then your business. Show your certificate at the window.</source>
        <translation>70 岁及以上的老人、残疾人、军人可以优先办理。请先点绿色的“绿色通道”按钮，再点您要办理的业务。到窗口时请出示有关证件。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="387"/>
        <source>Appointments</source>
        <translation>预约签到</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="388"/>
        <source>Booked in advance? Touch “Check in an appointment” and type the code from the message you got when you booked.</source>
        <translation>已经预约过了？请点“预约签到”，输入预约成功短信里的预约码。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="390"/>
        <source>Need help?</source>
        <translation>有不明白的地方？</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="391"/>
        <source>Please ask the staff at the information desk near the entrance, or any member of staff in the hall. They are glad to help you.</source>
        <translation>请到入口处的咨询台问工作人员，也可以找大厅里的任何一位工作人员，我们很乐意帮助您。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="414"/>
        <source>Elderly (70 and over)</source>
        <translation>老年人（70岁以上）</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="415"/>
        <source>People with disabilities</source>
        <translation>残疾人</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="416"/>
        <source>Military personnel</source>
        <translation>军人</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="421"/>
        <location filename="../../ui/kiosk/window.py" line="734"/>
        <source>%1 people waiting ahead of you</source>
        <translation>前面还有 %1 人等候</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="422"/>
        <source>Issued at %1</source>
        <translation>取号时间 %1</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="423"/>
        <location filename="../../ui/kiosk/window.py" line="742"/>
        <source>About %1 minutes&apos; wait</source>
        <translation>预计等候约 %1 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="424"/>
        <location filename="../../ui/kiosk/window.py" line="726"/>
        <source>Priority service</source>
        <translation>优先办理</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="431"/>
        <source>Your appointment is checked in. You will be called before ordinary numbers.</source>
        <translation>预约已签到，您将优先叫号。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="433"/>
        <source>You are early. Your appointment starts at %1: from then on you will be called before ordinary numbers.</source>
        <translation>您来早了。您的预约时段 %1 开始，到时将优先叫号。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="436"/>
        <source>Your appointment time has passed. This is an ordinary number, called in turn.</source>
        <translation>预约已过时段，按普通号排队。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="441"/>
        <source>Tickets cannot be given out right now. Please try again in a moment or ask the staff.</source>
        <translation>现在暂时不能取号，请稍后再试或咨询工作人员。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="444"/>
        <source>Something went wrong. Please ask the staff.</source>
        <translation>出现了问题，请咨询工作人员。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="447"/>
        <source>All of today&apos;s numbers for this business are given out. Please ask the staff.</source>
        <translation>这项业务今天的号已经取完了，请咨询工作人员。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="450"/>
        <source>No appointment for today was found for this ID card. Please enter the code, or ask the staff.</source>
        <translation>没有查到这张身份证今天的预约。请输入预约码，或询问工作人员。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="453"/>
        <source>This appointment code was not found. Please check it and enter it again.</source>
        <translation>没有找到这个预约码，请核对后重新输入。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="455"/>
        <source>This appointment has already been checked in.</source>
        <translation>这个预约已经签到过了。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="457"/>
        <source>Your appointment is at %1: it is too early to check in. Please come back from %2. To take an ordinary number now, touch your business.</source>
        <translation>您的预约时段是 %1，现在签到太早。请在 %2 以后再来签到；如需现在办理，请直接选择业务取普通号。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="461"/>
        <source>This appointment is not for today. It is booked for %1.</source>
        <translation>这个预约不是今天的，预约日期是 %1。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="464"/>
        <source>You already have number %1 for this business. Please wait to be called.</source>
        <translation>您已经取过这项业务的号（%1），请耐心等候叫号。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="467"/>
        <source>Priority for the elderly is from the age of 70.</source>
        <translation>老年人优先办理需年满70岁。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="468"/>
        <source>A number cannot be given out. Please ask the staff.</source>
        <translation>暂时不能取号，请咨询工作人员。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="540"/>
        <source>Nobody waiting</source>
        <translation>无人等候</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="541"/>
        <source>%1 people ahead</source>
        <translation>前面 %1 人</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="547"/>
        <source>About %1 min</source>
        <translation>约等 %1 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="587"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="626"/>
        <source>Normal text</source>
        <translation>标准字</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="634"/>
        <source>Priority: %1</source>
        <translation>优先办理：%1</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="635"/>
        <source>Now choose your business</source>
        <translation>请选择您要办理的业务</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="708"/>
        <source>Getting your number…</source>
        <translation>正在取号，请稍候…</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="729"/>
        <source>Appointment checked in</source>
        <translation>预约已签到</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="738"/>
        <source>Nobody is waiting ahead of you</source>
        <translation>前面没有人等候</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="744"/>
        <source>Printing your ticket…</source>
        <translation>正在打印号票…</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="747"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="765"/>
        <source>The printer is not working. Please remember your number.</source>
        <translation>打印机暂时不能使用，请记住您的号码。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="767"/>
        <source>Please remember your number.</source>
        <translation>请记住您的号码。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="769"/>
        <source>Please take your ticket.</source>
        <translation>请取走您的号票。</translation>
    </message>
    <message>
        <location filename="../../ui/kiosk/window.py" line="797"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>LiveFeed</name>
    <message>
        <location filename="../../ui/supervisor/live.py" line="142"/>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/live.py" line="143"/>
        <source>Live updates interrupted — reconnecting; refreshing every 30 s meanwhile</source>
        <translation>实时推送已中断，正在重连；期间每 30 秒刷新一次</translation>
    </message>
</context>
<context>
    <name>LockWindow</name>
    <message>
        <location filename="../../ui/clerk/lock.py" line="72"/>
        <source>Screen locked</source>
        <translation>屏幕已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/lock.py" line="76"/>
        <source>The screen is locked</source>
        <translation>屏幕已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/lock.py" line="79"/>
        <source>Logged in: %1. Enter your password to go on.</source>
        <translation>当前登录：%1。请输入密码继续。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/lock.py" line="85"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/lock.py" line="88"/>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/lock.py" line="106"/>
        <source>Locked after a time without use.</source>
        <translation>长时间未操作，屏幕已锁定。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/lock.py" line="118"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/lock.py" line="136"/>
        <source>Wrong password (%1 more tries before you are logged out).</source>
        <translation>密码错误（还可尝试 %1 次，之后将退出登录）。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="96"/>
        <location filename="../../ui/clerk/main_window.py" line="236"/>
        <source>Counter workstation — %1</source>
        <translation>窗口工作台 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="104"/>
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="118"/>
        <source>Queue</source>
        <translation>叫号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="119"/>
        <source>No ticket is being served.</source>
        <translation>当前没有正在办理的号。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="121"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="123"/>
        <source>Materials</source>
        <translation>材料核验</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="125"/>
        <source>Documents</source>
        <translation>文书</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="154"/>
        <source>Counter</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="155"/>
        <source>Cases after the counter (Ctrl+K)</source>
        <translation>办件：领取、办结（Ctrl+K）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="164"/>
        <source>&amp;Workstation</source>
        <translation>工作台(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="165"/>
        <source>Show the &amp;citizen screen</source>
        <translation>显示群众屏(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="168"/>
        <source>&amp;Log out</source>
        <translation>退出登录(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="171"/>
        <source>&amp;Quit</source>
        <translation>退出程序(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="174"/>
        <source>Card reader &amp;diagnostics</source>
        <translation>读卡器诊断(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="177"/>
        <source>Cases after the counter: hand over, conclude…</source>
        <translation>办件：领取、办结…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="182"/>
        <source>Book an appointment for the applicant… (Ctrl+B)</source>
        <translation>为申请人预约…（Ctrl+B）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="187"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="188"/>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="198"/>
        <source>Appointments are booked with the hall server: log in online to book.</source>
        <translation>预约需要连接大厅服务器：请联网登录后再预约。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="223"/>
        <source>This PC was disabled by the administrator. Please contact IT.</source>
        <translation>本机已被管理员停用，请联系信息科</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="224"/>
        <source>Nothing is sent to the hall any more; the work saved here stays on this PC.</source>
        <translation>本机不再向大厅上传数据，已保存的工作仍留在本机。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="247"/>
        <source>Rating: the applicant is rating…</source>
        <translation>评价：申请人正在评价…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="248"/>
        <source>Rating: the applicant has rated.</source>
        <translation>评价：申请人已评价。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="249"/>
        <source>Rating: none given.</source>
        <translation>评价：未评价。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="250"/>
        <source>Rating not saved: %1</source>
        <translation>评价未能保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="259"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/main_window.py" line="260"/>
        <source>Counter workstation %1</source>
        <translation>窗口工作台 %1</translation>
    </message>
</context>
<context>
    <name>MaterialsPanel</name>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="301"/>
        <source>Find the service item: name, pinyin initials or code (Ctrl+F)</source>
        <translation>查找办理事项：名称、拼音首字母或编码（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="312"/>
        <location filename="../../ui/clerk/materials_panel.py" line="1305"/>
        <source>Choose the service item to check the materials.</source>
        <translation>请选择办理事项后核验材料。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="315"/>
        <source>Guide (F1)</source>
        <translation>办事指南（F1）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="320"/>
        <source>E-licences (Ctrl+L)</source>
        <translation>查电子证照（Ctrl+L）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="322"/>
        <source>Fetch the materials marked 免提交 from the licence service by the applicant&apos;s ID number</source>
        <translation>按申请人身份证号码从电子证照库调取标为免提交的材料</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="352"/>
        <source>Material</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="352"/>
        <source>Required</source>
        <translation>必要性</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="353"/>
        <source>Status</source>
        <translation>核验结果</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="353"/>
        <source>Originals</source>
        <translation>原件</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="354"/>
        <source>Copies</source>
        <translation>复印件</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="354"/>
        <source>Applicant sees</source>
        <translation>群众屏显示</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="733"/>
        <source>Accept</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="734"/>
        <location filename="../../ui/clerk/materials_panel.py" line="1266"/>
        <source>Accept with deficiency</source>
        <translation>容缺受理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="735"/>
        <source>Accept on commitment</source>
        <translation>告知承诺</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="736"/>
        <source>Notify once</source>
        <translation>一次性告知</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="737"/>
        <location filename="../../ui/clerk/materials_panel.py" line="1249"/>
        <source>Reject</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="387"/>
        <source>Item</source>
        <translation>事项</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="249"/>
        <source>Reuse, do not ask again</source>
        <translation>复用，不再收取</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="332"/>
        <source>Reuse held (Ctrl+R)</source>
        <translation>复用已收取材料 (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="334"/>
        <source>Reuse every material the centre holds, still valid, for this applicant</source>
        <translation>复用本中心为该申请人保存且仍在有效期内的全部材料</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="387"/>
        <source>Check</source>
        <translation>核验</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="387"/>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="396"/>
        <source>Record the decisions of the bundle</source>
        <translation>保存一件事（各事项决定）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="410"/>
        <source>The applicant is asked on their screen whether the centre may keep the materials received…</source>
        <translation>正在请申请人在群众屏上选择是否同意本中心保存所收材料…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="414"/>
        <source>Go on without keeping (Esc)</source>
        <translation>不等待，不保存材料 (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="456"/>
        <source>Asking the licence service…</source>
        <translation>正在查询电子证照…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="482"/>
        <source>no end</source>
        <translation>长期</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="483"/>
        <source>E-licence %1 %2, valid until %3</source>
        <translation>电子证照 %1 %2，有效至 %3</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="476"/>
        <source>Fetched by data sharing: %1</source>
        <translation>已通过电子证照共享获取：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="478"/>
        <source>The licence service holds nothing for these materials: take them on paper.</source>
        <translation>电子证照库中没有这些材料，请收取纸质材料。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="487"/>
        <source>The licence service cannot be used now (%1): take the materials on paper.</source>
        <translation>电子证照服务暂不可用（%1），请收取纸质材料。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="517"/>
        <source>The centre holds no materials of this applicant.</source>
        <translation>本中心没有保存该申请人的材料。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="519"/>
        <source>none still valid</source>
        <translation>均已过期</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="520"/>
        <source>The centre holds %1 material(s) of this applicant; valid for reuse: %2</source>
        <translation>本中心保存有该申请人的材料 %1 份，可复用：%2</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="527"/>
        <source>The centre&apos;s held materials cannot be looked up now (%1): take the materials on paper.</source>
        <translation>暂时无法查询本中心保存的材料（%1）：请照常收取纸质材料。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="567"/>
        <source>Held: received %1 (case %2), valid until %3</source>
        <translation>已收取，%1 受理（办件号 %2），有效至 %3</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="569"/>
        <source>Held: received %1 (case %2), expired %3: ask for it again</source>
        <translation>已收取，%1 受理（办件号 %2），已于 %3 过期：请重新收取</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="589"/>
        <source>%1 entries of the hall&apos;s guide cannot be read at this PC and are left out (%2); everything else works. Tell IT: this PC may need the hall&apos;s newer version.</source>
        <translation>大厅办事指南中有 %1 条本机无法读取，已略过（%2）；其余功能正常。请告知 IT：本机可能需要升级到大厅的新版本。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="597"/>
        <source>This service item was withdrawn from the catalogue.</source>
        <translation>该事项已从目录中撤销。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="600"/>
        <source>This bundle was withdrawn from the catalogue.</source>
        <translation>该一件事已从目录中撤下。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="606"/>
        <source>the guide read before stays in use</source>
        <translation>继续使用之前读取的指南</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="607"/>
        <source>no service item can be checked until it is</source>
        <translation>在此之前无法核验任何事项</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="608"/>
        <source>The hall&apos;s guide cannot be read at this PC (%1): %2. Tell IT.</source>
        <translation>本机无法读取大厅办事指南（%1）：%2。请告知 IT。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="624"/>
        <source>[One thing] %1&#x3000;%2 items</source>
        <translation>【一件事】%1&#x3000;共 %2 个事项</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="669"/>
        <source>done on the spot</source>
        <translation>当场办结</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="670"/>
        <source>promised within %1 %2</source>
        <translation>承诺 %1 个%2内办结</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="690"/>
        <source>One thing: %1 · %2</source>
        <translation>一件事：%1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="768"/>
        <source>not applied for</source>
        <translation>本次不申请</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="779"/>
        <source>checking</source>
        <translation>核验中</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="783"/>
        <source>complete</source>
        <translation>材料齐全</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="786"/>
        <source>materials missing or defective</source>
        <translation>材料缺少或不符合要求</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="793"/>
        <source>Answer every question and check every material first.</source>
        <translation>请先回答全部情形并核验全部材料。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="831"/>
        <source>no decision is allowed yet</source>
        <translation>尚无可作出的决定</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="917"/>
        <source>for %1</source>
        <translation>用于 %1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="920"/>
        <source>required</source>
        <translation>必要</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="920"/>
        <source>optional</source>
        <translation>非必要</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="921"/>
        <source>may follow later</source>
        <translation>容缺后补</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1048"/>
        <source>not checked</source>
        <translation>未核验</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1049"/>
        <source>received</source>
        <translation>已收取</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1050"/>
        <source>electronic</source>
        <translation>电子材料</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1051"/>
        <source>fetched by data sharing</source>
        <translation>共享免提交</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1052"/>
        <source>reused</source>
        <translation>复用</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1053"/>
        <source>missing</source>
        <translation>缺少</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1054"/>
        <source>defective</source>
        <translation>不符合要求</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1098"/>
        <source>the centre holds no valid copy of it any more</source>
        <translation>本中心保存的该材料已失效</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1102"/>
        <source>count the originals or copies received</source>
        <translation>请填写收取的原件或复印件份数</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1104"/>
        <source>choose or type what is wrong</source>
        <translation>请选择或填写问题</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1137"/>
        <location filename="../../ui/clerk/materials_panel.py" line="1178"/>
        <location filename="../../ui/clerk/materials_panel.py" line="1183"/>
        <source>Choose: %1</source>
        <translation>请选择：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1145"/>
        <location filename="../../ui/clerk/materials_panel.py" line="1190"/>
        <source>Not checked yet: %1</source>
        <translation>尚未核验：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1146"/>
        <location filename="../../ui/clerk/materials_panel.py" line="1191"/>
        <source>Every material is in order.</source>
        <translation>材料齐全，符合要求。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1255"/>
        <source>The specific reason the application is not accepted:</source>
        <translation>不予受理的具体理由：</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/materials_panel.py" line="1268"/>
        <source>By when will the applicant bring each missing material?</source>
        <translation>申请人补交各项材料的期限：</translation>
    </message>
</context>
<context>
    <name>NoteDialog</name>
    <message>
        <location filename="../../ui/supervisor/follow_ups.py" line="146"/>
        <source>Please write a note.</source>
        <translation>请填写说明。</translation>
    </message>
</context>
<context>
    <name>PauseDialog</name>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="263"/>
        <source>Pause the window</source>
        <translation>暂停叫号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="279"/>
        <source>Where are you going?</source>
        <translation>请写明去向</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="289"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="294"/>
        <source>Where to</source>
        <translation>去向</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="295"/>
        <source>In your words</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="296"/>
        <source>Back at about</source>
        <translation>预计返回</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="327"/>
        <source>Say where you are going.</source>
        <translation>请写明去向。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="332"/>
        <source>The return time has passed already: choose a later one.</source>
        <translation>预计返回时间已过，请选一个更晚的时间。</translation>
    </message>
</context>
<context>
    <name>PauseWords</name>
    <message>
        <location filename="../../ui/pause_words.py" line="21"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location filename="../../ui/pause_words.py" line="22"/>
        <source>Out on official business</source>
        <translation>外出办事</translation>
    </message>
    <message>
        <location filename="../../ui/pause_words.py" line="23"/>
        <source>Break</source>
        <translation>休息</translation>
    </message>
    <message>
        <location filename="../../ui/pause_words.py" line="24"/>
        <source>Training</source>
        <translation>培训</translation>
    </message>
    <message>
        <location filename="../../ui/pause_words.py" line="25"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../ui/pause_words.py" line="41"/>
        <source>Service paused</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <location filename="../../ui/pause_words.py" line="46"/>
        <source>back at about %1</source>
        <translation>预计 %1 返回</translation>
    </message>
</context>
<context>
    <name>PausedNotice</name>
    <message>
        <location filename="../../ui/citizen/paused_notice.py" line="50"/>
        <source>Meanwhile, window %1 can serve you.</source>
        <translation>暂停期间，您可以到 %1 号窗口办理。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/paused_notice.py" line="52"/>
        <source>Please wait a moment. Thank you for your patience.</source>
        <translation>请您稍候，谢谢您的耐心。</translation>
    </message>
</context>
<context>
    <name>RatingPanel</name>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="60"/>
        <source>非常满意</source>
        <translation>非常满意</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="61"/>
        <source>满意</source>
        <translation>满意</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="62"/>
        <source>基本满意</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="63"/>
        <source>不满意</source>
        <translation>不满意</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="64"/>
        <source>非常不满意</source>
        <translation>非常不满意</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="70"/>
        <source>服务效率</source>
        <translation>服务效率</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="71"/>
        <source>服务水平</source>
        <translation>服务水平</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="72"/>
        <source>服务态度</source>
        <translation>服务态度</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="78"/>
        <source>It took too long</source>
        <translation>等候或办理时间太长</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="79"/>
        <source>Things were not explained clearly</source>
        <translation>没有讲清楚要求</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="80"/>
        <source>I have to come again</source>
        <translation>还要再跑一趟</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="81"/>
        <source>The staff were unfriendly</source>
        <translation>工作人员态度不好</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="82"/>
        <source>My matter was not done</source>
        <translation>事情没有办成</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="83"/>
        <source>Something else</source>
        <translation>其他问题</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="224"/>
        <source>How was our service today? Please touch one.</source>
        <translation>您对今天的服务满意吗？请点选一项。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="235"/>
        <source>Only you see what you choose. The staff do not.</source>
        <translation>您的选择只有您自己能看到，工作人员看不到。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="258"/>
        <location filename="../../ui/citizen/rating_panel.py" line="323"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="264"/>
        <location filename="../../ui/citizen/rating_panel.py" line="321"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="266"/>
        <source>Thank you! Was anything especially good? (You may skip this.)</source>
        <translation>谢谢！有哪些方面让您特别满意？（可以跳过）</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="273"/>
        <location filename="../../ui/citizen/rating_panel.py" line="291"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="275"/>
        <source>We are sorry. What went wrong? Touch all that apply.</source>
        <translation>非常抱歉。请问哪里让您不满意？可以多选。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="286"/>
        <source>Or type here</source>
        <translation>或在这里输入文字</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="288"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="293"/>
        <source>Would you like to tell us more? Write with your finger in the white box. (You may skip this.)</source>
        <translation>您还想说点什么吗？可以用手指在白框里写。（可以跳过）</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="303"/>
        <location filename="../../ui/citizen/rating_panel.py" line="359"/>
        <source>Yes, call me</source>
        <translation>可以，请打给我</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="305"/>
        <source>No, thank you</source>
        <translation>不用了，谢谢</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="307"/>
        <source>May we call you back about this?</source>
        <translation>我们可以打电话回访您吗？</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="325"/>
        <source>Please enter your phone number</source>
        <translation>请输入您的电话号码</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="332"/>
        <source>Thank you for your rating!</source>
        <translation>感谢您的评价！</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="356"/>
        <source>Yes, call me on %1</source>
        <translation>可以，请打 %1</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="358"/>
        <source>Yes, on another number</source>
        <translation>可以，换一个号码</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="431"/>
        <source>Please enter a phone number we can call.</source>
        <translation>请输入可以联系到您的电话号码。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/rating_panel.py" line="438"/>
        <source>We will call you back.</source>
        <translation>我们会打电话回访您。</translation>
    </message>
</context>
<context>
    <name>ReaderDiagnostics</name>
    <message>
        <location filename="../../ui/clerk/diagnostics.py" line="51"/>
        <source>Card reader diagnostics</source>
        <translation>读卡器诊断</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/diagnostics.py" line="58"/>
        <source>Test read</source>
        <translation>测试读卡</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/diagnostics.py" line="72"/>
        <source>Collecting…</source>
        <translation>正在收集…</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <location filename="../../ui/front.py" line="22"/>
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <location filename="../../ui/front.py" line="22"/>
        <source>Supervisor</source>
        <translation>值班长</translation>
    </message>
    <message>
        <location filename="../../ui/front.py" line="23"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <location filename="../../ui/citizen/signature_pad.py" line="72"/>
        <source>Please sign here</source>
        <translation>请在此处签名</translation>
    </message>
</context>
<context>
    <name>SigningPage</name>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="63"/>
        <location filename="../../ui/citizen/signing_page.py" line="166"/>
        <source>Preparing the document…</source>
        <translation>正在生成文书…</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="77"/>
        <source>◀ Previous page</source>
        <translation>◀ 上一页</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="82"/>
        <source>Next page ▶</source>
        <translation>下一页 ▶</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="84"/>
        <source>Smaller</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="86"/>
        <source>Larger</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="99"/>
        <source>Please read the document on the left (drag it with a finger or the pen to move it), then sign in the box below with the pen.</source>
        <translation>请先看左边的文书（用手指或笔按住拖动可以移动），再用笔在下面的框里签上您的名字。</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="104"/>
        <source>Clear and sign again</source>
        <translation>擦掉重签</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="106"/>
        <source>Confirm my signature</source>
        <translation>确认签名</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="161"/>
        <source>Case number %1</source>
        <translation>办件编号 %1</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="250"/>
        <source>The document cannot be shown: %1</source>
        <translation>文书无法显示：%1</translation>
    </message>
    <message>
        <location filename="../../ui/citizen/signing_page.py" line="254"/>
        <source>Page %1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
</context>
<context>
    <name>StartWindow</name>
    <message>
        <location filename="../../ui/start_window.py" line="37"/>
        <location filename="../../ui/start_window.py" line="43"/>
        <source>Counter workstation</source>
        <translation>窗口工作台</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="40"/>
        <source>Government service hall</source>
        <translation>政务服务中心</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="64"/>
        <source>Connecting to the hall server…</source>
        <translation>正在连接大厅服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="75"/>
        <source>Your account</source>
        <translation>您的账号</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="79"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="83"/>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="84"/>
        <source>&amp;Account</source>
        <translation>账号(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="85"/>
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="95"/>
        <source>This PC is not enrolled with the hall server yet. Enter the one-time enrolment code that IT gave you for this window.</source>
        <translation>本机尚未在大厅服务器登记。请输入信息技术人员为本窗口提供的一次性登记码。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="101"/>
        <source>Enrol this PC</source>
        <translation>登记本机</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="104"/>
        <source>Enrolment &amp;code</source>
        <translation>登记码(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="132"/>
        <source>The hall server&apos;s certificate is not the hall&apos;s, so nothing is sent to it: %1. Enrolment needs the hall; tell IT.</source>
        <translation>大厅服务器的证书不是本大厅签发的，因此不向其发送任何数据：%1。登记本机需要连接大厅服务器，请通知信息技术人员。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="136"/>
        <source>Connected to %1</source>
        <translation>已连接 %1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="138"/>
        <source>The hall server at %1 cannot be reached. Enrolment needs it; check the network and try again.</source>
        <translation>无法连接大厅服务器 %1。登记需要连接服务器，请检查网络后重试。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="148"/>
        <source>The hall server&apos;s certificate is not the hall&apos;s, so nothing is sent to it: %1. You can log in if you have logged in at this PC before; work is saved here. Tell IT.</source>
        <translation>大厅服务器的证书不是本大厅签发的，因此不向其发送任何数据：%1。曾在本机登录过的账号仍可登录，工作内容先保存在本机。请通知信息技术人员。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="152"/>
        <source>The hall server cannot be reached. You can log in if you have logged in at this PC before; work is saved here and uploaded later.</source>
        <translation>无法连接大厅服务器。曾在本机登录过的账号仍可登录；办理的业务先保存在本机，恢复连接后自动上传。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="155"/>
        <source>This PC has no system keyring: it will be enrolled again at the next start, and applicants&apos; data saved here is not encrypted. Tell IT.</source>
        <translation>本机没有系统密钥环：下次启动时需要重新登记，且本机保存的申请人信息未加密。请告知 IT。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="158"/>
        <source>Connected to the hall server.</source>
        <translation>已连接大厅服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="160"/>
        <source>The key of this PC&apos;s local store is no longer in the system keyring, so its saved work cannot be read: %1 records had not reached the hall. A new store was started and you can work on. Tell IT (the old store is kept as %2).</source>
        <translation>本机本地数据的密钥已不在系统密钥环中，原先保存的数据无法读取：其中 %1 条记录尚未上传到大厅。已启用新的本地数据，可以继续办理。请告知 IT（原数据另存为 %2）。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="168"/>
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="177"/>
        <source>Not connecting to %1: it is addressed with plain http://, so passwords and applicants&apos; data would cross the network unencrypted. Use https:// with the hall&apos;s CA in server.ca_file, or set server.allow_plain_http = true if the network is protected otherwise.</source>
        <translation>不连接 %1：该地址使用未加密的 http://，密码和申请人信息会以明文在网络上传输。请改用 https:// 并在 server.ca_file 中指定本大厅的 CA 证书；如网络已另有保护，可在配置文件中设置 server.allow_plain_http = true。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="184"/>
        <source>Not connecting: %1</source>
        <translation>未连接：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="186"/>
        <source>The demo hall server could not start: %1</source>
        <translation>演示大厅服务器无法启动：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="188"/>
        <source>The local store cannot be opened: %1</source>
        <translation>无法打开本机数据库：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="190"/>
        <source>Cannot start: %1</source>
        <translation>无法启动：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="199"/>
        <source>Enter the enrolment code.</source>
        <translation>请输入登记码。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="202"/>
        <source>Enrolling…</source>
        <translation>正在登记…</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="211"/>
        <source>This PC is enrolled. Log in with your account.</source>
        <translation>本机已登记。请使用您的账号登录。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="218"/>
        <source>The code was not accepted: it is wrong, used or expired.</source>
        <translation>登记码无效：输入有误、已使用或已过期。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="220"/>
        <source>The hall server cannot be reached; try again.</source>
        <translation>无法连接大厅服务器，请重试。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="222"/>
        <source>Enrolment failed: %1</source>
        <translation>登记失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="232"/>
        <source>Enter your account and password.</source>
        <translation>请输入账号和密码。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="235"/>
        <source>Logging in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="256"/>
        <source>Too many failed logins: logging in is locked until %1. An administrator can unlock it sooner.</source>
        <translation>登录失败次数过多：在 %1 之前禁止登录。管理员可以提前解锁。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="259"/>
        <source>The hall server cannot be reached and this account has not logged in at this PC before.</source>
        <translation>无法连接大厅服务器，且该账号从未在本机登录过。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="262"/>
        <source>Wrong account or password.</source>
        <translation>账号或密码错误。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="264"/>
        <source>Login failed: %1</source>
        <translation>登录失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="268"/>
        <source>This PC was disabled by the administrator. Please contact IT.</source>
        <translation>本机已被管理员停用，请联系信息科</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="269"/>
        <source>Nobody can log in here; the work saved on this PC stays on it. (%1)</source>
        <translation>本机无法登录；本机已保存的工作仍留在本机。（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="274"/>
        <source>You were logged out because the workstation was not used for a while. Log in again.</source>
        <translation>长时间未操作，已自动退出登录。请重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="277"/>
        <source>The hall server ended your session (%1). Log in again.</source>
        <translation>大厅服务器已结束您的登录会话（%1）。请重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="284"/>
        <source>Logged out.</source>
        <translation>已退出登录。</translation>
    </message>
</context>
<context>
    <name>StatisticsScreen</name>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="81"/>
        <source>&amp;Today</source>
        <translation>今天(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="81"/>
        <source>This &amp;week</source>
        <translation>本周(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="81"/>
        <source>This &amp;month</source>
        <translation>本月(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="82"/>
        <source>&amp;Custom</source>
        <translation>自定义(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="95"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="97"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="99"/>
        <source>&amp;Show</source>
        <translation>查询(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="104"/>
        <source>Export &amp;Excel (XLSX)</source>
        <translation>导出 Excel(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="105"/>
        <source>Export C&amp;SV</source>
        <translation>导出 CSV(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="121"/>
        <source>Waiting and service by business type (min)</source>
        <translation>各业务等候与办理时长（分钟）</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="122"/>
        <source>Served by window</source>
        <translation>各窗口办件量</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="123"/>
        <source>Ratings by level</source>
        <translation>评价等级分布</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="137"/>
        <source>By business type</source>
        <translation>按业务类型</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="138"/>
        <source>By window</source>
        <translation>按窗口</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="139"/>
        <source>By clerk</source>
        <translation>按人员</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="140"/>
        <source>By day</source>
        <translation>按日</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="181"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="181"/>
        <source>Issued</source>
        <translation>取号</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="181"/>
        <location filename="../../ui/supervisor/statistics.py" line="345"/>
        <source>Served</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="181"/>
        <location filename="../../ui/supervisor/statistics.py" line="346"/>
        <source>No-shows</source>
        <translation>过号</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="181"/>
        <source>Transfers</source>
        <translation>转移</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="182"/>
        <location filename="../../ui/supervisor/statistics.py" line="340"/>
        <source>Average wait</source>
        <translation>平均等候</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="182"/>
        <location filename="../../ui/supervisor/statistics.py" line="341"/>
        <source>P90 wait</source>
        <translation>P90 等候</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="182"/>
        <location filename="../../ui/supervisor/statistics.py" line="342"/>
        <source>Average service</source>
        <translation>平均办理</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="182"/>
        <source>P90 service</source>
        <translation>P90 办理</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="227"/>
        <source>The last day is before the first.</source>
        <translation>结束日期早于开始日期。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="241"/>
        <source>Reading…</source>
        <translation>正在读取……</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="255"/>
        <source>Could not do that: %1</source>
        <translation>操作未完成：%1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="270"/>
        <source>%1: issued %2 · served %3 · no-shows %4 · transfers %5 · wait average %6, p90 %7 · service average %8, p90 %9</source>
        <translation>%1：取号 %2 · 办结 %3 · 过号 %4 · 转移 %5 · 平均等候 %6，P90 %7 · 平均办理 %8，P90 %9</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="277"/>
        <source>Ratings %1 · bad ratings %2 (%3) · follow-ups open %4, overdue %5</source>
        <translation>评价 %1 条 · 差评 %2 条（差评率 %3） · 回访未结 %4 件，逾期 %5 件</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="279"/>
        <source> · cases decided %1 · helped %2 · items of bundles %3</source>
        <translation> · 办件 %1 件 · 帮办 %2 件 · 一件事子件 %3 件</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="344"/>
        <source>No. %1</source>
        <translation>%1号</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="348"/>
        <source>Very satisfied</source>
        <translation>非常满意</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="348"/>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="348"/>
        <source>Fairly satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="349"/>
        <source>Dissatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="349"/>
        <source>Very dissatisfied</source>
        <translation>非常不满意</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="352"/>
        <source>Ratings</source>
        <translation>评价数</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="360"/>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="360"/>
        <source>CSV file (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="361"/>
        <source>Export statistics</source>
        <translation>导出统计</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="383"/>
        <source>Exporting…</source>
        <translation>正在导出……</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/statistics.py" line="387"/>
        <source>Written to %1</source>
        <translation>已保存到 %1</translation>
    </message>
</context>
<context>
    <name>SupervisorApp</name>
    <message>
        <location filename="../../ui/supervisor/app.py" line="152"/>
        <source>This account may not use the supervisor screens.</source>
        <translation>此账号不能使用值班长界面。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="161"/>
        <source>Logged in while the hall server was unreachable: the supervisor screens need it. Log in again when it is back.</source>
        <translation>登录时大厅服务器无法连接，值班长界面需要连接服务器。请待服务器恢复后重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="166"/>
        <source>Bad-rating follow-up</source>
        <translation>差评整改回访</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="168"/>
        <location filename="../../ui/supervisor/app.py" line="208"/>
        <source>Audit alerts</source>
        <translation>审计告警</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="184"/>
        <source>Hall now</source>
        <translation>大厅实况</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="185"/>
        <location filename="../../ui/supervisor/app.py" line="199"/>
        <source>Time-limit supervision</source>
        <translation>电子监察</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="186"/>
        <source>Window load advice</source>
        <translation>动态调整</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="187"/>
        <source>Statistics</source>
        <translation>统计报表</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="201"/>
        <source>Time-limit supervision (red %1)</source>
        <translation>电子监察（红牌 %1）</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="210"/>
        <source>Audit alerts (%1 open)</source>
        <translation>审计告警（%1 条未处理）</translation>
    </message>
</context>
<context>
    <name>SupervisorWindow</name>
    <message>
        <location filename="../../ui/supervisor/app.py" line="48"/>
        <location filename="../../ui/supervisor/app.py" line="94"/>
        <source>Supervisor — %1</source>
        <translation>值班长 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="76"/>
        <source>&amp;Supervisor</source>
        <translation>值班长(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="77"/>
        <source>&amp;Log out</source>
        <translation>退出登录(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="80"/>
        <source>&amp;Quit</source>
        <translation>退出程序(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="85"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="86"/>
        <source>&amp;Big board (full screen)</source>
        <translation>大屏模式（全屏）(&amp;B)</translation>
    </message>
    <message>
        <location filename="../../ui/supervisor/app.py" line="123"/>
        <source>Notice</source>
        <translation>一次性告知</translation>
    </message>
</context>
<context>
    <name>TransferDialog</name>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="221"/>
        <source>Transfer the ticket</source>
        <translation>转移这个号</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="225"/>
        <source>(the same business type)</source>
        <translation>（业务不变）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="231"/>
        <source>(any window that serves it)</source>
        <translation>（任一办理该业务的窗口）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="240"/>
        <source>Business type</source>
        <translation>业务</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="241"/>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/call_panel.py" line="248"/>
        <source>Choose a business type or a window.</source>
        <translation>请选择业务或窗口。</translation>
    </message>
</context>
<context>
    <name>WorkstationStatusBar</name>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="31"/>
        <source>● Connecting to the hall server…</source>
        <translation>● 正在连接大厅服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="32"/>
        <source>Waiting to upload: –</source>
        <translation>待上传：–</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="45"/>
        <source>● This PC was disabled by the administrator. Please contact IT.</source>
        <translation>● 本机已被管理员停用，请联系信息科</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="46"/>
        <source>The hall server refuses this PC: %1. Nothing is sent to it any more; the work saved here stays on this PC.</source>
        <translation>大厅服务器拒绝本机：%1。本机不再向大厅上传任何数据，已保存的工作仍留在本机。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="49"/>
        <source>● Hall server online</source>
        <translation>● 大厅服务器已连接</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="51"/>
        <source>● Hall server refused: %1</source>
        <translation>● 大厅服务器拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="55"/>
        <source>● Offline: work is saved on this PC and uploaded later</source>
        <translation>● 离线：业务保存在本机，恢复连接后自动上传</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="58"/>
        <source>Waiting to upload: %1</source>
        <translation>待上传：%1 条</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="60"/>
        <source> · not accepted by the hall: %1</source>
        <translation> · 大厅未接收 %1 条</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="62"/>
        <source> (conflicts: %1, tell your supervisor)</source>
        <translation>（冲突 %1 条，请告知值班长）</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="64"/>
        <source>Records the hall did not accept are kept on this PC; the reason was shown where the record was made (a step another window took first).</source>
        <translation>大厅未接收的记录保留在本机，原因已在办理时提示（例如另一窗口已先办理）。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="74"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="75"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="76"/>
        <source>⚠ This PC&apos;s clock is %1 slow</source>
        <translation>⚠ 本机时钟慢了 %1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="76"/>
        <source>⚠ This PC&apos;s clock is %1 fast</source>
        <translation>⚠ 本机时钟快了 %1</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="78"/>
        <source>Records are stamped with the hall server&apos;s time, which deadlines and statistics follow. Ask IT to set this PC&apos;s clock.</source>
        <translation>记录一律按大厅服务器时间登记，办理期限和统计以服务器时间为准。请联系信息科校准本机时钟。</translation>
    </message>
    <message>
        <location filename="../../ui/clerk/status_bar.py" line="83"/>
        <source>Card reader: not configured</source>
        <translation>读卡器：未配置</translation>
    </message>
</context>
</TS>

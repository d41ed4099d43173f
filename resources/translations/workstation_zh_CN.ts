<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApplicantPanel</name>
    <message>
        <location filename="../../ui/applicant_panel.py" line="32" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/applicant_panel.py" line="33" />
        <location filename="../../ui/applicant_panel.py" line="49" />
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/applicant_panel.py" line="34" />
        <source>Phone</source>
        <translation>联系电话</translation>
    </message>
    <message>
        <location filename="../../ui/applicant_panel.py" line="35" />
        <source>Agent</source>
        <translation>代理人</translation>
    </message>
    <message>
        <location filename="../../ui/applicant_panel.py" line="36" />
        <location filename="../../ui/applicant_panel.py" line="49" />
        <source>Agent's ID number</source>
        <translation>代理人证件号码</translation>
    </message>
    <message>
        <location filename="../../ui/applicant_panel.py" line="48" />
        <source>Enter the applicant's name.</source>
        <translation>请填写申请人姓名。</translation>
    </message>
    <message>
        <location filename="../../ui/applicant_panel.py" line="55" />
        <source>%1 is not a valid resident ID number.</source>
        <translation>%1不是有效的居民身份证号码。</translation>
    </message>
    <message>
        <location filename="../../ui/applicant_panel.py" line="57" />
        <source>Enter the agent's ID number.</source>
        <translation>请填写代理人证件号码。</translation>
    </message>
</context>
<context>
    <name>CitizenScreen</name>
    <message>
        <location filename="../../ui/citizen_screen.py" line="16" />
        <source>Citizen screen</source>
        <translation>群众屏</translation>
    </message>
    <message>
        <location filename="../../ui/citizen_screen.py" line="65" />
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <location filename="../../ui/citizen_screen.py" line="66" />
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/citizen_screen.py" line="75" />
        <source>received</source>
        <translation>已收取</translation>
    </message>
    <message>
        <location filename="../../ui/citizen_screen.py" line="76" />
        <source>missing</source>
        <translation>缺少</translation>
    </message>
    <message>
        <location filename="../../ui/citizen_screen.py" line="77" />
        <source>needs correcting</source>
        <translation>需补正</translation>
    </message>
    <message>
        <location filename="../../ui/citizen_screen.py" line="78" />
        <source>being checked</source>
        <translation>核验中</translation>
    </message>
    <message>
        <location filename="../../ui/citizen_screen.py" line="85" />
        <source>Your materials for: %1</source>
        <translation>您办理的事项：%1</translation>
    </message>
</context>
<context>
    <name>ClerkApp</name>
    <message>
        <location filename="../../ui/app.py" line="109" />
        <source>Case %1 saved: %2.</source>
        <translation>办件 %1 已保存：%2。</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="112" />
        <source> Promised completion: %1.</source>
        <translation>承诺办结日期：%1。</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="114" />
        <source> The completion date is unknown: %1</source>
        <translation>无法计算办结日期：%1</translation>
    </message>
    <message>
        <location filename="../../ui/app.py" line="124" />
        <source>The case was not saved: %1</source>
        <translation>办件未能保存：%1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="56" />
        <location filename="../../ui/main_window.py" line="124" />
        <source>Counter workstation — %1</source>
        <translation>窗口工作台 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="64" />
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="66" />
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="66" />
        <source>Supervisor</source>
        <translation>值班长</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="67" />
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="76" />
        <source>Queue</source>
        <translation>叫号</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="77" />
        <source>No ticket is being served.</source>
        <translation>当前没有正在办理的号。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="79" />
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <source>No ID card has been read for this applicant.</source>
        <translation type="vanished">尚未读取申请人的身份证件。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="81" />
        <source>Materials</source>
        <translation>材料核验</translation>
    </message>
    <message>
        <source>Choose the service item to check the materials.</source>
        <translation>请选择办理事项后核验材料。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="82" />
        <source>Documents</source>
        <translation>文书</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="83" />
        <source>No document for this case yet.</source>
        <translation>本办件暂无文书。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="105" />
        <source>&amp;Workstation</source>
        <translation>工作台(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="106" />
        <source>Show the &amp;citizen screen</source>
        <translation>显示群众屏(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="109" />
        <source>&amp;Log out</source>
        <translation>退出登录(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="112" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="117" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="118" />
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="132" />
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="133" />
        <source>Counter workstation %1</source>
        <translation>窗口工作台 %1</translation>
    </message>
</context>
<context>
    <name>MaterialsPanel</name>
    <message>
        <location filename="../../ui/materials_panel.py" line="76" />
        <source>Find the service item: name, pinyin initials or code (Ctrl+F)</source>
        <translation>查找办理事项：名称、拼音首字母或编码（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="87" />
        <location filename="../../ui/materials_panel.py" line="497" />
        <source>Choose the service item to check the materials.</source>
        <translation>请选择办理事项后核验材料。</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="90" />
        <source>Guide (F1)</source>
        <translation>办事指南（F1）</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="105" />
        <source>Material</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="105" />
        <source>Required</source>
        <translation>必要性</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="106" />
        <source>Status</source>
        <translation>核验结果</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="106" />
        <source>Originals</source>
        <translation>原件</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="107" />
        <source>Copies</source>
        <translation>复印件</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="107" />
        <source>Problem</source>
        <translation>问题说明</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="124" />
        <source>Accept</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="125" />
        <location filename="../../ui/materials_panel.py" line="460" />
        <source>Accept with deficiency</source>
        <translation>容缺受理</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="126" />
        <source>Accept on commitment</source>
        <translation>告知承诺</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="127" />
        <source>Notify once</source>
        <translation>一次性告知</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="128" />
        <location filename="../../ui/materials_panel.py" line="444" />
        <source>Reject</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="159" />
        <source>This service item was withdrawn from the catalogue.</source>
        <translation>该事项已从目录中撤销。</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="210" />
        <source>done on the spot</source>
        <translation>当场办结</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="211" />
        <source>promised within %1 %2</source>
        <translation>承诺 %1 个%2内办结</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="269" />
        <source>required</source>
        <translation>必要</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="269" />
        <source>optional</source>
        <translation>非必要</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="270" />
        <source>may follow later</source>
        <translation>容缺后补</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="318" />
        <source>not checked</source>
        <translation>未核验</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="319" />
        <source>received</source>
        <translation>已收取</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="320" />
        <source>electronic</source>
        <translation>电子材料</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="321" />
        <source>fetched by data sharing</source>
        <translation>共享免提交</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="322" />
        <source>missing</source>
        <translation>缺少</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="323" />
        <source>defective</source>
        <translation>不符合要求</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="363" />
        <source>count the originals or copies received</source>
        <translation>请填写收取的原件或复印件份数</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="365" />
        <source>choose or type what is wrong</source>
        <translation>请选择或填写问题</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="387" />
        <source>Choose: %1</source>
        <translation>请选择：%1</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="391" />
        <source>Every material is in order.</source>
        <translation>材料齐全，符合要求。</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="450" />
        <source>The specific reason the application is not accepted:</source>
        <translation>不予受理的具体理由：</translation>
    </message>
    <message>
        <location filename="../../ui/materials_panel.py" line="462" />
        <source>By when will the applicant bring each missing material?</source>
        <translation>申请人补交各项材料的期限：</translation>
    </message>
</context>
<context>
    <name>StartWindow</name>
    <message>
        <location filename="../../ui/start_window.py" line="34" />
        <location filename="../../ui/start_window.py" line="40" />
        <source>Counter workstation</source>
        <translation>窗口工作台</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="37" />
        <source>Government service hall</source>
        <translation>政务服务中心</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="61" />
        <source>Connecting to the hall server…</source>
        <translation>正在连接大厅服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="72" />
        <source>Your account</source>
        <translation>您的账号</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="76" />
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="80" />
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="81" />
        <source>&amp;Account</source>
        <translation>账号(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="82" />
        <source>&amp;Password</source>
        <translation>密码(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="92" />
        <source>This PC is not enrolled with the hall server yet. Enter the one-time enrolment code that IT gave you for this window.</source>
        <translation>本机尚未在大厅服务器登记。请输入信息技术人员为本窗口提供的一次性登记码。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="98" />
        <source>Enrol this PC</source>
        <translation>登记本机</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="101" />
        <source>Enrolment &amp;code</source>
        <translation>登记码(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="129" />
        <source>Connected to %1</source>
        <translation>已连接 %1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="131" />
        <source>The hall server at %1 cannot be reached. Enrolment needs it; check the network and try again.</source>
        <translation>无法连接大厅服务器 %1。登记需要连接服务器，请检查网络后重试。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="136" />
        <source>The hall server cannot be reached. You can log in if you have logged in at this PC before; work is saved here and uploaded later.</source>
        <translation>无法连接大厅服务器。曾在本机登录过的账号仍可登录；办理的业务先保存在本机，恢复连接后自动上传。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="139" />
        <source>This PC has no system keyring: it will be enrolled again at the next start.</source>
        <translation>本机没有系统密钥环：下次启动时需要重新登记。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="142" />
        <source>Connected to the hall server.</source>
        <translation>已连接大厅服务器。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="146" />
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="155" />
        <source>The demo hall server could not start: %1</source>
        <translation>演示大厅服务器无法启动：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="157" />
        <source>The local store cannot be opened: %1</source>
        <translation>无法打开本机数据库：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="159" />
        <source>Cannot start: %1</source>
        <translation>无法启动：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="168" />
        <source>Enter the enrolment code.</source>
        <translation>请输入登记码。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="171" />
        <source>Enrolling…</source>
        <translation>正在登记…</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="177" />
        <source>This PC is enrolled. Log in with your account.</source>
        <translation>本机已登记。请使用您的账号登录。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="184" />
        <source>The code was not accepted: it is wrong, used or expired.</source>
        <translation>登记码无效：输入有误、已使用或已过期。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="186" />
        <source>The hall server cannot be reached; try again.</source>
        <translation>无法连接大厅服务器，请重试。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="188" />
        <source>Enrolment failed: %1</source>
        <translation>登记失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="198" />
        <source>Enter your account and password.</source>
        <translation>请输入账号和密码。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="201" />
        <source>Logging in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="217" />
        <source>The hall server cannot be reached and this account has not logged in at this PC before.</source>
        <translation>无法连接大厅服务器，且该账号从未在本机登录过。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="220" />
        <source>Wrong account or password.</source>
        <translation>账号或密码错误。</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="222" />
        <source>Login failed: %1</source>
        <translation>登录失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/start_window.py" line="226" />
        <source>Logged out.</source>
        <translation>已退出登录。</translation>
    </message>
</context>
<context>
    <name>WorkstationStatusBar</name>
    <message>
        <location filename="../../ui/status_bar.py" line="27" />
        <source>● Connecting to the hall server…</source>
        <translation>● 正在连接大厅服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="28" />
        <source>Waiting to upload: –</source>
        <translation>待上传：–</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="40" />
        <source>● Hall server online</source>
        <translation>● 大厅服务器已连接</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="42" />
        <source>● Hall server refused: %1</source>
        <translation>● 大厅服务器拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="46" />
        <source>● Offline: work is saved on this PC and uploaded later</source>
        <translation>● 离线：业务保存在本机，恢复连接后自动上传</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="48" />
        <source>Waiting to upload: %1</source>
        <translation>待上传：%1 条</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="50" />
        <source> (conflicts: %1, tell your supervisor)</source>
        <translation>（冲突 %1 条，请告知值班长）</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="54" />
        <source>Card reader: not configured</source>
        <translation>读卡器：未配置</translation>
    </message>
</context>
</TS>
<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>CitizenScreen</name>
    <message>
        <location filename="../../ui/citizen_screen.py" line="14" />
        <source>Citizen screen</source>
        <translation>群众屏</translation>
    </message>
    <message>
        <location filename="../../ui/citizen_screen.py" line="41" />
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <location filename="../../ui/citizen_screen.py" line="42" />
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="45" />
        <location filename="../../ui/main_window.py" line="113" />
        <source>Counter workstation — %1</source>
        <translation>窗口工作台 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="53" />
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="55" />
        <source>Clerk</source>
        <translation>窗口人员</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="55" />
        <source>Supervisor</source>
        <translation>值班长</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="56" />
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="65" />
        <source>Queue</source>
        <translation>叫号</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="66" />
        <source>No ticket is being served.</source>
        <translation>当前没有正在办理的号。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="67" />
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="68" />
        <source>No ID card has been read for this applicant.</source>
        <translation>尚未读取申请人的身份证件。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="69" />
        <source>Materials</source>
        <translation>材料核验</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="70" />
        <source>Choose the service item to check the materials.</source>
        <translation>请选择办理事项后核验材料。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="71" />
        <source>Documents</source>
        <translation>文书</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="72" />
        <source>No document for this case yet.</source>
        <translation>本办件暂无文书。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="94" />
        <source>&amp;Workstation</source>
        <translation>工作台(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="95" />
        <source>Show the &amp;citizen screen</source>
        <translation>显示群众屏(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="98" />
        <source>&amp;Log out</source>
        <translation>退出登录(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="101" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="106" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="107" />
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="121" />
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="122" />
        <source>Counter workstation %1</source>
        <translation>窗口工作台 %1</translation>
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
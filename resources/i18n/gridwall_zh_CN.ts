<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AlarmDesk</name>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="149"/>
        <source>Open alarms</source>
        <translation>未消除告警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="149"/>
        <source>Last 24 h</source>
        <translation>近24小时</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="149"/>
        <source>Last 7 days</source>
        <translation>近7天</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="152"/>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="154"/>
        <source>All priorities</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="156"/>
        <source>Priority</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="156"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="156"/>
        <source>Alarm</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="156"/>
        <source>Raised</source>
        <translation>发生</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="156"/>
        <location filename="../../widgets/alarm_desk.py" line="158"/>
        <source>By</source>
        <translation>处理人</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="158"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="158"/>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="158"/>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="159"/>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="160"/>
        <source>Shelve (min)</source>
        <translation>搁置（分钟）</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="161"/>
        <source>Unshelve</source>
        <translation>取消搁置</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="162"/>
        <source>Reason for shelving (required)</source>
        <translation>搁置原因（必填）</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="228"/>
        <source>Refused: %1</source>
        <translation>被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="283"/>
        <source>Select one or more alarms first</source>
        <translation>请先选择告警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="289"/>
        <source>a shelved alarm needs a reason</source>
        <translation>搁置告警须填写原因</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="296"/>
        <source>%1 alarm(s): %2 done</source>
        <translation>%1 条告警：%2 已完成</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="301"/>
        <source>Plan step %1 updated</source>
        <translation>预案步骤 %1 已更新</translation>
    </message>
</context>
<context>
    <name>AlarmMetricsPage</name>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="125"/>
        <source>Alarm performance (ISA-18.2 / EEMUA 191)</source>
        <translation>告警绩效（ISA-18.2 / EEMUA 191）</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="126"/>
        <source>Departments by urges (催办) and overdue time</source>
        <translation>各部门催办次数与超期时长</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="127"/>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="127"/>
        <source>This period</source>
        <translation>本期</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="127"/>
        <source>Reference</source>
        <translation>参考值</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="130"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="131"/>
        <source>Urges</source>
        <translation>催办</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="132"/>
        <source>Automatic</source>
        <translation>自动催办</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="133"/>
        <source>Overdue now</source>
        <translation>当前超期</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="134"/>
        <source>Hours overdue</source>
        <translation>超期小时</translation>
    </message>
</context>
<context>
    <name>AlarmPage</name>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="42"/>
        <source>operators connected</source>
        <translation>按在线席位</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="43"/>
        <source>operators connected; the setting where none was</source>
        <translation>按在线席位；无人在线时按配置</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="44"/>
        <source>none connected: the configured count</source>
        <translation>无人在线：按配置席位数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="45"/>
        <source>as asked</source>
        <translation>按指定席位数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="56"/>
        <source>Floods (more than %1 in %2 min)</source>
        <translation>告警泛滥次数（%2分钟超过%1条）</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="58"/>
        <source>Stale alarms (active &gt; %1 h)</source>
        <translation>陈旧告警（超过%1小时）</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="60"/>
        <source>Alarms raised</source>
        <translation>告警总数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="62"/>
        <source>Alarms per operator per 10 min</source>
        <translation>每席位每10分钟告警数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="67"/>
        <source>Operators (mean per 10 min)</source>
        <translation>席位数（每10分钟平均）</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="69"/>
        <source>Most alarms in 10 min</source>
        <translation>10分钟内告警峰值</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="72"/>
        <source>Time in flood</source>
        <translation>泛滥时间占比</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="74"/>
        <source>Time to acknowledge (median / 90 %)</source>
        <translation>确认用时（中位数 / 90%）</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="76"/>
        <source>Not acknowledged</source>
        <translation>未确认</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="77"/>
        <source>Standing alarms</source>
        <translation>持续告警</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="80"/>
        <source>Shelved now</source>
        <translation>当前搁置</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="83"/>
        <source>High priority share</source>
        <translation>高级别占比</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="84"/>
        <source>Medium priority share</source>
        <translation>中级别占比</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/alarm_page.py" line="85"/>
        <source>Low priority share</source>
        <translation>低级别占比</translation>
    </message>
</context>
<context>
    <name>AlarmPanel</name>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="96"/>
        <source>Alarms</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="97"/>
        <source>No alarms</source>
        <translation>无告警</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="71"/>
        <location filename="../../widgets/alarm_panel.py" line="117"/>
        <source>%1 unacknowledged</source>
        <translation>未确认 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="118"/>
        <source>%1 acknowledged</source>
        <translation>已确认 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="119"/>
        <source>%1 shelved</source>
        <translation>搁置 %1</translation>
    </message>
</context>
<context>
    <name>Alarms</name>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="69"/>
        <source>Unacknowledged</source>
        <translation>未确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="53"/>
        <location filename="../../widgets/alarm_desk.py" line="70"/>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="52"/>
        <source>Raised</source>
        <translation>发生</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="54"/>
        <location filename="../../widgets/alarm_desk.py" line="71"/>
        <source>Shelved</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="55"/>
        <source>Unshelved</source>
        <translation>取消搁置</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="56"/>
        <location filename="../../widgets/alarm_desk.py" line="72"/>
        <source>Cleared</source>
        <translation>已消除</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="307"/>
        <source>Weather</source>
        <translation>气象</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="308"/>
        <source>Crowd</source>
        <translation>人流</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="309"/>
        <source>Sensor</source>
        <translation>物联感知</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="310"/>
        <source>Due soon</source>
        <translation>即将超期</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="311"/>
        <source>Overdue (urged)</source>
        <translation>超期（已催办）</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_desk.py" line="312"/>
        <source>Unusual rise</source>
        <translation>异常上升</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="32"/>
        <source>duty officer</source>
        <translation>值班员</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="38"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="39"/>
        <source>Med</source>
        <translation>中</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="40"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="53"/>
        <source>%1 · over threshold</source>
        <translation>%1 · 超阈值</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="56"/>
        <source>Due soon · %1 · %2</source>
        <translation>即将超期 · %1 · %2</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="58"/>
        <source>Overdue, urged · %1</source>
        <translation>超期已催办 · %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="60"/>
        <source>Unusual rise · %1</source>
        <translation>异常上升 · %1</translation>
    </message>
    <message>
        <location filename="../../widgets/alarm_panel.py" line="68"/>
        <source>Alarm flood · %1 new in %2 min</source>
        <translation>告警泛滥 · %2分钟内新增 %1 条</translation>
    </message>
</context>
<context>
    <name>Breadcrumb</name>
    <message>
        <location filename="../../widgets/drilldown/breadcrumb.py" line="62"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/breadcrumb.py" line="63"/>
        <source>One level up (Alt+Left)</source>
        <translation>返回上一级 (Alt+←)</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/breadcrumb.py" line="64"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/breadcrumb.py" line="65"/>
        <source>Back to the overview</source>
        <translation>返回总览</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/breadcrumb.py" line="148"/>
        <source>Remove this filter</source>
        <translation>移除此筛选条件</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="21"/>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="23"/>
        <source>Alarms</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="25"/>
        <source>Supervisors</source>
        <translation>监督员</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="37"/>
        <source>Overdue only</source>
        <translation>仅超期</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="37"/>
        <source>Not overdue</source>
        <translation>未超期</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="39"/>
        <source>Difficult only</source>
        <translation>仅疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="39"/>
        <source>Not difficult</source>
        <translation>非疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="41"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="42"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="43"/>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="44"/>
        <source>Stage</source>
        <translation>环节</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="45"/>
        <source>Class</source>
        <translation>大类</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/crumbs.py" line="46"/>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
</context>
<context>
    <name>BriefingExport</name>
    <message>
        <location filename="../../desktop/briefing_button.py" line="63"/>
        <location filename="../../desktop/briefing_button.py" line="73"/>
        <source>Briefing failed: %1</source>
        <translation>简报生成失败：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/briefing_button.py" line="75"/>
        <source>%1 written (%2 pages)</source>
        <translation>已写入 %1（%2 页）</translation>
    </message>
</context>
<context>
    <name>CameraPanel</name>
    <message>
        <location filename="../../widgets/video/panel.py" line="101"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../widgets/video/panel.py" line="149"/>
        <source>no stream</source>
        <translation>无视频流</translation>
    </message>
    <message>
        <location filename="../../widgets/video/panel.py" line="177"/>
        <source>No camera near here</source>
        <translation>附近没有视频探头</translation>
    </message>
    <message>
        <location filename="../../widgets/video/panel.py" line="177"/>
        <source>Choose a case or grid to see its cameras</source>
        <translation>选择案件或网格以查看附近探头</translation>
    </message>
    <message>
        <location filename="../../widgets/video/panel.py" line="180"/>
        <source>no stream configured</source>
        <translation>未配置视频流</translation>
    </message>
    <message>
        <location filename="../../widgets/video/panel.py" line="182"/>
        <source>connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <location filename="../../widgets/video/panel.py" line="184"/>
        <source>live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../widgets/video/panel.py" line="186"/>
        <source>retrying in %1 s</source>
        <translation>%1 秒后重试</translation>
    </message>
    <message>
        <location filename="../../widgets/video/panel.py" line="187"/>
        <source>NO SIGNAL</source>
        <translation>无信号</translation>
    </message>
</context>
<context>
    <name>CaseActions</name>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="64"/>
        <source>Urge</source>
        <translation>催办</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="65"/>
        <source>Urge the responsible department (催办)</source>
        <translation>向责任部门催办</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="66"/>
        <source>Remove difficult mark</source>
        <translation>取消疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="66"/>
        <source>Mark difficult</source>
        <translation>列为疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="67"/>
        <source>Note for the case record</source>
        <translation>案卷备注</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="68"/>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="92"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="101"/>
        <source>Urge sent</source>
        <translation>已催办</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="102"/>
        <source>Marked as difficult</source>
        <translation>已列为疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="103"/>
        <source>Difficult mark removed</source>
        <translation>已取消疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="104"/>
        <source>Note added</source>
        <translation>已添加备注</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/actions.py" line="108"/>
        <source>Refused: %1</source>
        <translation>未执行：%1</translation>
    </message>
</context>
<context>
    <name>CaseBrowser</name>
    <message>
        <location filename="../../widgets/drilldown/browser.py" line="146"/>
        <source>Whole district</source>
        <translation>全区</translation>
    </message>
</context>
<context>
    <name>CaseDetailView</name>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="129"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="130"/>
        <source>Department</source>
        <translation>责任部门</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="131"/>
        <source>Place</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="132"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="133"/>
        <source>Handling deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="134"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="135"/>
        <source>Evaluation</source>
        <translation>回访评价</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="163"/>
        <source>全响应 (12345)</source>
        <translation>全响应（12345）</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="165"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="166"/>
        <source>Difficult case</source>
        <translation>疑难案件</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="168"/>
        <source>Case %1 · reported %2</source>
        <translation>案件 %1 · 上报于 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="192"/>
        <source>(no description)</source>
        <translation>（无问题描述）</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="240"/>
        <source>satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="241"/>
        <source>basically satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="242"/>
        <source>unsatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="245"/>
        <source>resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="245"/>
        <source>not resolved</source>
        <translation>未解决</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="248"/>
        <source>not evaluated yet</source>
        <translation>尚未回访</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="250"/>
        <source>re-opened %1×</source>
        <translation>重办%1次</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="254"/>
        <source>Responded</source>
        <translation>响应时间</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="254"/>
        <source>Response deadline</source>
        <translation>响应时限</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="279"/>
        <source>handled %1 early</source>
        <translation>提前 %1 处置</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="279"/>
        <source>handled %1 late</source>
        <translation>超时 %1 处置</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="284"/>
        <source>urged %1×</source>
        <translation>催办 %1 次</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_detail.py" line="284"/>
        <source>reworked %1×</source>
        <translation>返工 %1 次</translation>
    </message>
</context>
<context>
    <name>CaseExport</name>
    <message>
        <location filename="../../desktop/workstation.py" line="276"/>
        <location filename="../../desktop/workstation.py" line="288"/>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="290"/>
        <source>%1 cases exported to %2</source>
        <translation>已导出 %1 件案件到 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="59"/>
        <source>Case ID</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="60"/>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="61"/>
        <source>Type code</source>
        <translation>类型代码</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="62"/>
        <source>Type</source>
        <translation>案件类型</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="63"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="64"/>
        <source>Subdistrict</source>
        <translation>街道</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="65"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="66"/>
        <source>Unit grid</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="67"/>
        <source>Department</source>
        <translation>责任部门</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="68"/>
        <source>Stage</source>
        <translation>环节</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="69"/>
        <source>Handling deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="70"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="71"/>
        <source>Difficult</source>
        <translation>疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="72"/>
        <source>Urges</source>
        <translation>催办次数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="73"/>
        <source>Reworks</source>
        <translation>返工次数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="74"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="75"/>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="82"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/export.py" line="82"/>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>CaseFeed</name>
    <message>
        <location filename="../../widgets/case_feed.py" line="295"/>
        <source>Latest cases</source>
        <translation>最新案件</translation>
    </message>
</context>
<context>
    <name>CaseFilterBar</name>
    <message>
        <location filename="../../widgets/drilldown/filters.py" line="90"/>
        <source>Search description, address or case ID  (Ctrl+F)</source>
        <translation>搜索问题描述、地址或案件编号 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/filters.py" line="91"/>
        <source>Overdue only</source>
        <translation>仅超期</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/filters.py" line="92"/>
        <source>Difficult only</source>
        <translation>仅疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/filters.py" line="93"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/filters.py" line="115"/>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/filters.py" line="116"/>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/filters.py" line="117"/>
        <source>All stages</source>
        <translation>全部环节</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/filters.py" line="118"/>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
</context>
<context>
    <name>CaseListView</name>
    <message>
        <location filename="../../widgets/drilldown/case_list.py" line="101"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_list.py" line="102"/>
        <source>Every matching case, not only this page (Ctrl+E)</source>
        <translation>导出全部符合条件的案件，不只本页 (Ctrl+E)</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_list.py" line="103"/>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_list.py" line="104"/>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_list.py" line="180"/>
        <source>No cases</source>
        <translation>无案件</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_list.py" line="182"/>
        <source>%1–%2 of %3</source>
        <translation>第 %1–%2 件 / 共 %3 件</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_list.py" line="182"/>
        <source>%1–%2 of %3+</source>
        <translation>第 %1–%2 件 / 共 %3 件以上</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_list.py" line="201"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
</context>
<context>
    <name>CaseMiniMap</name>
    <message>
        <location filename="../../widgets/drilldown/minimap.py" line="81"/>
        <source>generated grid outlines</source>
        <translation>网格边界为生成示意</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/minimap.py" line="82"/>
        <source>No map for this place</source>
        <translation>暂无该位置地图</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/minimap.py" line="83"/>
        <source>reported position lies outside this community</source>
        <translation>上报位置不在本社区内</translation>
    </message>
</context>
<context>
    <name>CaseTable</name>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="47"/>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="48"/>
        <source>Case</source>
        <translation>案件编号</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="49"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="50"/>
        <source>Place</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="51"/>
        <source>Department</source>
        <translation>责任部门</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="52"/>
        <source>Stage</source>
        <translation>环节</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="53"/>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="54"/>
        <source>Urges</source>
        <translation>催办</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="117"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="119"/>
        <source>Difficult</source>
        <translation>疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/case_table.py" line="121"/>
        <source>Urged %1×</source>
        <translation>催办 %1 次</translation>
    </message>
</context>
<context>
    <name>CrowdPanel</name>
    <message>
        <location filename="../../widgets/alerts.py" line="184"/>
        <source>Crowd flow at hot spots</source>
        <translation>重点区域人流</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="185"/>
        <source>No crowd readings</source>
        <translation>暂无人流数据</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="192"/>
        <source>%1 crowded</source>
        <translation>%1 处拥挤</translation>
    </message>
</context>
<context>
    <name>Demo</name>
    <message>
        <location filename="../../desktop/demo.py" line="44"/>
        <source>Preparing the case history…</source>
        <translation>正在准备历史案件…</translation>
    </message>
    <message>
        <location filename="../../desktop/demo.py" line="76"/>
        <source>%1 of %2 cases · %3 cases/s</source>
        <translation>已写入 %1 / %2 件 · %3 件/秒</translation>
    </message>
</context>
<context>
    <name>Drill</name>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="41"/>
        <source>Reported</source>
        <translation>上报数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="42"/>
        <source>Filed</source>
        <translation>立案数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="43"/>
        <source>Dispatched</source>
        <translation>派遣数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="44"/>
        <source>Closed</source>
        <translation>结案数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="45"/>
        <source>Closure rate</source>
        <translation>结案率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="46"/>
        <source>On-time closure rate</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="47"/>
        <source>On-time handling rate</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="48"/>
        <source>Overdue, not handled</source>
        <translation>超期未处置</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="49"/>
        <source>Rework rate</source>
        <translation>返工率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="50"/>
        <source>Mean handling time</source>
        <translation>平均处置时长</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="62"/>
        <location filename="../../widgets/drilldown/text.py" line="88"/>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="81"/>
        <source>%1 pp</source>
        <translation>%1 个百分点</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="103"/>
        <source>Subdistricts</source>
        <translation>街道</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="104"/>
        <source>Communities</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="105"/>
        <source>Unit grids</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="106"/>
        <source>Departments</source>
        <translation>责任部门</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="110"/>
        <source>District</source>
        <translation>区</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="111"/>
        <source>Subdistrict</source>
        <translation>街道</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="112"/>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="113"/>
        <source>Unit grid</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="121"/>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="122"/>
        <source>7 days</source>
        <translation>近7天</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="123"/>
        <source>30 days</source>
        <translation>近30天</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="124"/>
        <source>This year</source>
        <translation>本年</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="125"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="154"/>
        <source>Could not load: %1</source>
        <translation>无法加载：%1</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/text.py" line="159"/>
        <source>%1 cases</source>
        <translation>%1 件</translation>
    </message>
</context>
<context>
    <name>HourlyTrendChart</name>
    <message>
        <location filename="../../widgets/charts.py" line="119"/>
        <source>Cases per hour</source>
        <translation>每小时案件数</translation>
    </message>
    <message>
        <location filename="../../widgets/charts.py" line="120"/>
        <source>today</source>
        <translation>今日</translation>
    </message>
    <message>
        <location filename="../../widgets/charts.py" line="121"/>
        <source>same day last week</source>
        <translation>上周同日</translation>
    </message>
    <message>
        <location filename="../../widgets/charts.py" line="147"/>
        <source>%1 today</source>
        <translation>今日 %1 件</translation>
    </message>
</context>
<context>
    <name>IndicatorGrid</name>
    <message>
        <location filename="../../widgets/drilldown/indicators.py" line="36"/>
        <source>YoY</source>
        <translation>同比</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/indicators.py" line="36"/>
        <source>PoP</source>
        <translation>环比</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/indicators.py" line="37"/>
        <source>YoY: same period last year · PoP: previous period of the same length</source>
        <translation>同比：去年同期 · 环比：上一同长周期</translation>
    </message>
</context>
<context>
    <name>KpiTiles</name>
    <message>
        <location filename="../../widgets/kpi.py" line="105"/>
        <source>Today</source>
        <translation>今日概况</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="107"/>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="108"/>
        <source>Filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="109"/>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="110"/>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="111"/>
        <source>Closure rate · 24 h</source>
        <translation>结案率 · 近24小时</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="112"/>
        <source>On-time closure · 24 h</source>
        <translation>按期结案率 · 近24小时</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="116"/>
        <source>closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="161"/>
        <source>cases since %1</source>
        <translation>件 · 自 %1 年以来</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="161"/>
        <source>cases in total</source>
        <translation>件 · 累计</translation>
    </message>
</context>
<context>
    <name>LoadStatus</name>
    <message>
        <location filename="../../widgets/drilldown/status.py" line="35"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>OverdueCounter</name>
    <message>
        <location filename="../../widgets/overdue.py" line="248"/>
        <source>Overdue cases</source>
        <translation>超期案件</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="249"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="250"/>
        <source>Due soon</source>
        <translation>即将超期</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="251"/>
        <source>By subdistrict</source>
        <translation>按街道</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="252"/>
        <source>By department</source>
        <translation>按部门</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="253"/>
        <source>Nearest deadlines</source>
        <translation>最近时限</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="336"/>
        <source>%1 open</source>
        <translation>在办 %1 件</translation>
    </message>
</context>
<context>
    <name>PlanChecklist</name>
    <message>
        <location filename="../../widgets/plan_checklist.py" line="44"/>
        <source>Linkage plan</source>
        <translation>联动预案</translation>
    </message>
    <message>
        <location filename="../../widgets/plan_checklist.py" line="45"/>
        <source>No linkage plan running</source>
        <translation>无运行中的联动预案</translation>
    </message>
    <message>
        <location filename="../../widgets/plan_checklist.py" line="58"/>
        <source>%1/%2 done</source>
        <translation>已完成 %1/%2</translation>
    </message>
    <message>
        <location filename="../../widgets/plan_checklist.py" line="119"/>
        <source>also running:</source>
        <translation>同时运行：</translation>
    </message>
</context>
<context>
    <name>Queries</name>
    <message>
        <location filename="../../desktop/queries.py" line="82"/>
        <source>not allowed for this connection (%1)</source>
        <translation>此连接无权执行（%1）</translation>
    </message>
    <message>
        <location filename="../../desktop/queries.py" line="84"/>
        <source>not found (%1)</source>
        <translation>未找到（%1）</translation>
    </message>
    <message>
        <location filename="../../desktop/queries.py" line="87"/>
        <source>not connected to the case server</source>
        <translation>未连接案件服务器</translation>
    </message>
    <message>
        <location filename="../../desktop/queries.py" line="89"/>
        <source>the case server did not answer in time</source>
        <translation>案件服务器响应超时</translation>
    </message>
    <message>
        <location filename="../../desktop/queries.py" line="90"/>
        <source>unexpected error (%1)</source>
        <translation>意外错误（%1）</translation>
    </message>
</context>
<context>
    <name>RangeBar</name>
    <message>
        <location filename="../../widgets/drilldown/range_bar.py" line="69"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
</context>
<context>
    <name>ReplayBar</name>
    <message>
        <location filename="../../widgets/replay_bar.py" line="121"/>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location filename="../../widgets/replay_bar.py" line="126"/>
        <location filename="../../widgets/replay_bar.py" line="160"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../widgets/replay_bar.py" line="126"/>
        <location filename="../../widgets/replay_bar.py" line="160"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../widgets/replay_bar.py" line="157"/>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <location filename="../../widgets/replay_bar.py" line="158"/>
        <source>Replay this period</source>
        <translation>回放此时段</translation>
    </message>
    <message>
        <location filename="../../widgets/replay_bar.py" line="159"/>
        <source>Back to live</source>
        <translation>返回实时</translation>
    </message>
</context>
<context>
    <name>ResponsePanel</name>
    <message>
        <location filename="../../widgets/response_panel.py" line="49"/>
        <source>12345 requests (全响应)</source>
        <translation>12345接诉即办（全响应）</translation>
    </message>
    <message>
        <location filename="../../widgets/response_panel.py" line="51"/>
        <source>Response rate</source>
        <translation>响应率</translation>
    </message>
    <message>
        <location filename="../../widgets/response_panel.py" line="52"/>
        <source>Resolution rate</source>
        <translation>解决率</translation>
    </message>
    <message>
        <location filename="../../widgets/response_panel.py" line="53"/>
        <source>Satisfaction rate</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location filename="../../widgets/response_panel.py" line="56"/>
        <source>requests today</source>
        <translation>今日诉求</translation>
    </message>
    <message>
        <location filename="../../widgets/response_panel.py" line="57"/>
        <source>answered on the line</source>
        <translation>直接答复</translation>
    </message>
    <message>
        <location filename="../../widgets/response_panel.py" line="58"/>
        <source>overdue requests</source>
        <translation>件超期</translation>
    </message>
    <message>
        <location filename="../../widgets/response_panel.py" line="59"/>
        <source>last %1 days</source>
        <translation>近%1天</translation>
    </message>
    <message>
        <location filename="../../widgets/response_panel.py" line="60"/>
        <source>no overdue request</source>
        <translation>无超期诉求</translation>
    </message>
</context>
<context>
    <name>ResponseSection</name>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="21"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="22"/>
        <location filename="../../widgets/drilldown/response_section.py" line="134"/>
        <source>Requests</source>
        <translation>诉求量</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="23"/>
        <source>Response</source>
        <translation>响应</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="24"/>
        <source>Resolution</source>
        <translation>解决</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="25"/>
        <source>Satisfaction</source>
        <translation>满意</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="86"/>
        <source>Response rate</source>
        <translation>响应率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="87"/>
        <source>Resolution rate</source>
        <translation>解决率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="88"/>
        <source>Satisfaction rate</source>
        <translation>满意率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="92"/>
        <source>Subdistricts</source>
        <translation>街道排名</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="93"/>
        <source>Departments</source>
        <translation>部门排名</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="125"/>
        <source>YoY</source>
        <translation>同比</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="125"/>
        <source>MoM</source>
        <translation>环比</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="135"/>
        <source>Answered on the line</source>
        <translation>直接答复</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="136"/>
        <source>evaluated</source>
        <translation>已回访</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/response_section.py" line="137"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
</context>
<context>
    <name>SensorPanel</name>
    <message>
        <location filename="../../widgets/alerts.py" line="264"/>
        <source>Sensors</source>
        <translation>物联感知</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="265"/>
        <source>No sensor readings</source>
        <translation>暂无传感器数据</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="272"/>
        <source>%1 in alarm</source>
        <translation>%1 处告警</translation>
    </message>
</context>
<context>
    <name>SourceMixChart</name>
    <message>
        <location filename="../../widgets/charts.py" line="343"/>
        <source>Sources today</source>
        <translation>今日案件来源</translation>
    </message>
</context>
<context>
    <name>SubdistrictRankingChart</name>
    <message>
        <location filename="../../widgets/charts.py" line="365"/>
        <source>Subdistricts today</source>
        <translation>今日街道排名</translation>
    </message>
</context>
<context>
    <name>SupervisionPanel</name>
    <message>
        <location filename="../../widgets/supervision.py" line="104"/>
        <source>Supervisors</source>
        <translation>监督员</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="106"/>
        <source>Supervisor</source>
        <translation>监督员</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="106"/>
        <location filename="../../widgets/supervision.py" line="170"/>
        <source>Reports</source>
        <translation>上报数</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="106"/>
        <source>Valid</source>
        <translation>有效率</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="106"/>
        <source>Distance</source>
        <translation>巡查里程</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="109"/>
        <source>Rank by reports</source>
        <translation>按上报数排名</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="110"/>
        <source>Rank by valid-report rate</source>
        <translation>按有效上报率排名</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="111"/>
        <source>Rank by verifications on time</source>
        <translation>按核查按时率排名</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="112"/>
        <source>Rank by grids covered</source>
        <translation>按巡查网格数排名</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="113"/>
        <source>Rank by distance patrolled</source>
        <translation>按巡查里程排名</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="123"/>
        <source>Choose a supervisor to see their figures and track</source>
        <translation>选择监督员查看其指标与轨迹</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="168"/>
        <source>%1 beat grids</source>
        <translation>责任网格 %1 个</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="169"/>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="170"/>
        <source>valid-report rate</source>
        <translation>有效上报率</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="172"/>
        <source>Verifications on time</source>
        <translation>按时核查</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="174"/>
        <source>Grids covered</source>
        <translation>巡查网格</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="175"/>
        <source>distance patrolled</source>
        <translation>巡查里程</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="186"/>
        <source>No track stored for this period</source>
        <translation>该时段无轨迹记录</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="189"/>
        <source>%1 points</source>
        <translation>%1 个轨迹点</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="195"/>
        <source>Playing</source>
        <translation>回放</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="206"/>
        <source>No component linked to this case</source>
        <translation>该案件未关联部件</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="208"/>
        <source>intact</source>
        <translation>完好</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="208"/>
        <source>damaged</source>
        <translation>破损</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="208"/>
        <source>missing</source>
        <translation>丢失</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="209"/>
        <source>occupied</source>
        <translation>占用</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="212"/>
        <source>Component</source>
        <translation>部件</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="213"/>
        <source>Department</source>
        <translation>主管部门</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="213"/>
        <source>grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="214"/>
        <source>generated</source>
        <translation>生成数据</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="217"/>
        <source>Case history: %1</source>
        <translation>案件历史：%1 件</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="250"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../widgets/supervision.py" line="250"/>
        <source>Play track</source>
        <translation>回放轨迹</translation>
    </message>
</context>
<context>
    <name>SupervisorPages</name>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="28"/>
        <source>Supervisor</source>
        <translation>监督员</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="29"/>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="205"/>
        <source>Reports</source>
        <translation>上报数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="30"/>
        <source>Valid</source>
        <translation>有效上报率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="31"/>
        <source>Verified on time</source>
        <translation>按时核查率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="32"/>
        <source>Grids covered</source>
        <translation>巡查网格</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="33"/>
        <source>km patrolled</source>
        <translation>里程(公里)</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="35"/>
        <source>Grid of the beat</source>
        <translation>责任网格</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="41"/>
        <source>early shift 07–15</source>
        <translation>早班 07–15</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="42"/>
        <source>late shift 11–19</source>
        <translation>中班 11–19</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="43"/>
        <source>night shift 17–01</source>
        <translation>晚班 17–01</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="117"/>
        <source>Supervisors · %1</source>
        <translation>监督员 · %1</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="121"/>
        <source>%1 supervisors</source>
        <translation>%1 名监督员</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="124"/>
        <source>Credited with the patrol cases they reported; a case naming no reporter counts for the supervisor of its beat. A ranking covers at most 31 days.</source>
        <translation>按本人上报的巡查案件计入；未注明上报人的案件计入所在责任网格的监督员。排名最长统计 31 天。</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="206"/>
        <source>Valid-report rate</source>
        <translation>有效上报率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="207"/>
        <source>Verifications on time</source>
        <translation>按时核查</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="208"/>
        <source>Beat grids covered</source>
        <translation>已巡查责任网格</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="209"/>
        <source>Distance patrolled (km)</source>
        <translation>巡查里程（公里）</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/supervisor_pages.py" line="215"/>
        <source>Beat: %1 grids</source>
        <translation>责任网格：%1 个</translation>
    </message>
</context>
<context>
    <name>TitleBar</name>
    <message>
        <location filename="../../widgets/title_bar.py" line="135"/>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="136"/>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="137"/>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="138"/>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="139"/>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="140"/>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="141"/>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="148"/>
        <source>● Connected · replayed events</source>
        <translation>● 已连接 · 回放事件</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="152"/>
        <source>● Live</source>
        <translation>● 实时</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="155"/>
        <source>Invalid token · access refused</source>
        <translation>令牌无效 · 拒绝访问</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="158"/>
        <source>Server unreachable · retrying</source>
        <translation>无法连接服务器 · 重试中</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="161"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="164"/>
        <source>No recent data · last update %1</source>
        <translation>数据滞后 · 最后更新 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="167"/>
        <source>Reconnecting · last update %1</source>
        <translation>重连中 · 最后更新 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="182"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="193"/>
        <source>No weather warning</source>
        <translation>无气象预警</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="257"/>
        <source>Xicheng District City Management Supervision and Command Centre</source>
        <translation>西城区城市管理监督指挥中心</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="259"/>
        <source>Grid-based city management · 15 subdistricts · 263 communities · 2,432 unit grids</source>
        <translation>网格化城市管理 · 15个街道 · 263个社区 · 2432个单元网格</translation>
    </message>
</context>
<context>
    <name>TopTypesChart</name>
    <message>
        <location filename="../../widgets/charts.py" line="314"/>
        <source>Top case types today</source>
        <translation>今日高发案件类型</translation>
    </message>
    <message>
        <location filename="../../widgets/charts.py" line="315"/>
        <source>top 5: %1</source>
        <translation>前五类占 %1</translation>
    </message>
</context>
<context>
    <name>UnitPage</name>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="28"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="29"/>
        <source>Reported</source>
        <translation>上报数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="30"/>
        <source>Closure</source>
        <translation>结案率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="31"/>
        <location filename="../../widgets/drilldown/unit_page.py" line="37"/>
        <source>On-time</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="32"/>
        <location filename="../../widgets/drilldown/unit_page.py" line="38"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="35"/>
        <source>Department</source>
        <translation>责任部门</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="36"/>
        <source>Cases</source>
        <translation>案件数</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="134"/>
        <source>City management</source>
        <translation>城市管理</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="135"/>
        <source>全响应 (12345)</source>
        <translation>全响应（12345）</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="136"/>
        <source>Supervisors</source>
        <translation>监督员</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="208"/>
        <source>Case list</source>
        <translation>案件列表</translation>
    </message>
    <message>
        <location filename="../../widgets/drilldown/unit_page.py" line="214"/>
        <source>Latest cases in this grid</source>
        <translation>本网格最新案件</translation>
    </message>
</context>
<context>
    <name>Vocab</name>
    <message>
        <location filename="../../widgets/panel.py" line="48"/>
        <source>Received</source>
        <translation>接诉</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="49"/>
        <source>Accepted</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="50"/>
        <source>Dispatched to department</source>
        <translation>派单</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="51"/>
        <source>Department handling</source>
        <translation>办理</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="52"/>
        <source>Reply sent</source>
        <translation>办结反馈</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="53"/>
        <source>Return visit</source>
        <translation>回访</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="54"/>
        <source>Request closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="59"/>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="60"/>
        <source>Filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="61"/>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="62"/>
        <source>Handling</source>
        <translation>处置</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="63"/>
        <source>Closure requested</source>
        <translation>申请结案</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="64"/>
        <source>Verifying</source>
        <translation>核查</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="65"/>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="66"/>
        <source>Cancelled</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="75"/>
        <source>Receive</source>
        <translation>接</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="76"/>
        <source>Dispatch</source>
        <translation>派</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="77"/>
        <source>Handle</source>
        <translation>办</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="78"/>
        <source>Evaluate (return visit)</source>
        <translation>评（回访）</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="79"/>
        <source>Close</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="88"/>
        <source>Rainstorm</source>
        <translation>暴雨</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="89"/>
        <source>Snowstorm</source>
        <translation>暴雪</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="90"/>
        <source>Gale</source>
        <translation>大风</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="91"/>
        <source>Haze</source>
        <translation>霾</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="92"/>
        <source>Heat</source>
        <translation>高温</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="93"/>
        <source>Cold wave</source>
        <translation>寒潮</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="94"/>
        <source>Thunderstorm</source>
        <translation>雷电</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="95"/>
        <source>Road icing</source>
        <translation>道路结冰</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="96"/>
        <source>Sandstorm</source>
        <translation>沙尘暴</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="97"/>
        <source>Fog</source>
        <translation>大雾</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="105"/>
        <source>Blue warning</source>
        <translation>蓝色预警</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="106"/>
        <source>Yellow warning</source>
        <translation>黄色预警</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="107"/>
        <source>Orange warning</source>
        <translation>橙色预警</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="108"/>
        <source>Red warning</source>
        <translation>红色预警</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="116"/>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="117"/>
        <source>Busy</source>
        <translation>较多</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="118"/>
        <source>Crowded</source>
        <translation>拥挤</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="119"/>
        <source>Critical</source>
        <translation>严重拥挤</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="140"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="142"/>
        <source>%1 min</source>
        <translation>%1 分</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="145"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="145"/>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="148"/>
        <source>%1 d %2 h</source>
        <translation>%1 天 %2 小时</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="148"/>
        <source>%1 d</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="154"/>
        <source>in %1</source>
        <translation>剩 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="154"/>
        <source>%1 overdue</source>
        <translation>超期 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="161"/>
        <source>now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="167"/>
        <source>No data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="172"/>
        <source>as of %1</source>
        <translation>数据截至 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/charts.py" line="198"/>
        <source>No cases yet today</source>
        <translation>今日暂无案件</translation>
    </message>
</context>
<context>
    <name>WarningsPanel</name>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="73"/>
        <source>Early warnings</source>
        <translation>预警</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="75"/>
        <source>Unusual today</source>
        <translation>今日异常上升</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="76"/>
        <source>Recurring hot spots · 30 days</source>
        <translation>高发点位 · 近30天</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="77"/>
        <source>Next 7 days · top types</source>
        <translation>未来7天预测 · 高发类型</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="78"/>
        <source>No unusual rise today</source>
        <translation>今日无异常上升</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="79"/>
        <source>No recurring hot spot</source>
        <translation>暂无高发点位</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="80"/>
        <source>No forecast yet</source>
        <translation>暂无预测</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="81"/>
        <source>%1 vs ~%2</source>
        <translation>%1 件 / 常值 %2</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="82"/>
        <source>%1× in %2 days</source>
        <translation>%2 天 %1 次</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="83"/>
        <source>≈%1 this week</source>
        <translation>本周约 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="84"/>
        <source>updated %1</source>
        <translation>更新于 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/warnings_panel.py" line="85"/>
        <source>waiting for data</source>
        <translation>等待数据</translation>
    </message>
</context>
<context>
    <name>WeatherPanel</name>
    <message>
        <location filename="../../widgets/alerts.py" line="91"/>
        <source>Weather warning</source>
        <translation>气象预警</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="92"/>
        <source>No weather warning in force</source>
        <translation>当前无气象预警</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="93"/>
        <source>also in force:</source>
        <translation>同时生效：</translation>
    </message>
</context>
<context>
    <name>WorkflowTimeline</name>
    <message>
        <location filename="../../widgets/timeline.py" line="58"/>
        <source>Workflow</source>
        <translation>案件流程</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="60"/>
        <source>Urged</source>
        <translation>催办</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="61"/>
        <source>Marked difficult</source>
        <translation>列为疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="62"/>
        <source>Difficult mark removed</source>
        <translation>取消疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="63"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="64"/>
        <source>Return visit (evaluation)</source>
        <translation>回访评价</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="65"/>
        <source>rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="66"/>
        <source>due %1</source>
        <translation>时限 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="67"/>
        <source>%1 early</source>
        <translation>提前 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="68"/>
        <source>%1 late</source>
        <translation>超时 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="69"/>
        <source>No case selected</source>
        <translation>未选择案件</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="72"/>
        <source>seeded history</source>
        <translation>历史数据</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="73"/>
        <source>return visitor</source>
        <translation>回访员</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="74"/>
        <source>not resolved at the return visit, re-opened</source>
        <translation>回访未解决，重新办理</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="75"/>
        <source>resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="76"/>
        <source>not resolved</source>
        <translation>未解决</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="77"/>
        <source>satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="78"/>
        <source>basically satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="79"/>
        <source>unsatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="80"/>
        <source>%1, %2</source>
        <comment>return visit: resolved or not, rating</comment>
        <translation>%1，%2</translation>
    </message>
</context>
<context>
    <name>Workstation</name>
    <message>
        <location filename="../../desktop/workstation.py" line="56"/>
        <location filename="../../desktop/workstation.py" line="80"/>
        <source>GridWall · Operator workstation</source>
        <translation>GridWall · 值班员工作台</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="73"/>
        <location filename="../../desktop/workstation.py" line="81"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="83"/>
        <location filename="../../desktop/workstation.py" line="96"/>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="84"/>
        <location filename="../../desktop/workstation.py" line="97"/>
        <source>Drill-down</source>
        <translation>钻取分析</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="110"/>
        <source>&amp;Reports</source>
        <translation>报表(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="112"/>
        <source>Daily briefing (日报), yesterday…</source>
        <translation>日报（昨日）…</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="113"/>
        <source>Weekly briefing (周报), the 7 days to yesterday…</source>
        <translation>周报（截至昨日的 7 天）…</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="114"/>
        <source>Monthly briefing (月报), this month to yesterday…</source>
        <translation>月报（本月截至昨日）…</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="129"/>
        <source>Save the briefing</source>
        <translation>保存简报</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="134"/>
        <source>Gathering the briefing&apos;s figures…</source>
        <translation>正在汇总简报数据…</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="139"/>
        <source>Start the tour on the walls</source>
        <translation>在大屏上开始参观导览</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="142"/>
        <source>Stop the tour on the walls</source>
        <translation>停止大屏上的参观导览</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="85"/>
        <location filename="../../desktop/workstation.py" line="153"/>
        <source>Alarms</source>
        <translation>告警</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="86"/>
        <location filename="../../desktop/workstation.py" line="159"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="87"/>
        <location filename="../../desktop/workstation.py" line="160"/>
        <source>Supervisors</source>
        <translation>监督员</translation>
    </message>
    <message>
        <location filename="../../desktop/workstation.py" line="355"/>
        <source>Export cases</source>
        <translation>导出案件</translation>
    </message>
    <message>
        <location filename="../../desktop/replay.py" line="218"/>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
</context>
</TS>

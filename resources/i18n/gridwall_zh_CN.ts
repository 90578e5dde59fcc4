<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CaseFeed</name>
    <message>
        <location filename="../../widgets/case_feed.py" line="289"/>
        <source>Latest cases</source>
        <translation>最新案件</translation>
    </message>
</context>
<context>
    <name>CrowdPanel</name>
    <message>
        <location filename="../../widgets/alerts.py" line="167"/>
        <source>Crowd flow at hot spots</source>
        <translation>重点区域人流</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="168"/>
        <source>No crowd readings</source>
        <translation>暂无人流数据</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="175"/>
        <source>%1 crowded</source>
        <translation>%1 处拥挤</translation>
    </message>
</context>
<context>
    <name>Demo</name>
    <message>
        <location filename="../../desktop/demo.py" line="37"/>
        <source>Preparing the case history…</source>
        <translation>正在准备历史案件…</translation>
    </message>
    <message>
        <location filename="../../desktop/demo.py" line="66"/>
        <source>%1 of %2 cases · %3 cases/s</source>
        <translation>已写入 %1 / %2 件 · %3 件/秒</translation>
    </message>
</context>
<context>
    <name>HourlyTrendChart</name>
    <message>
        <location filename="../../widgets/charts.py" line="99"/>
        <source>Cases per hour</source>
        <translation>每小时案件数</translation>
    </message>
    <message>
        <location filename="../../widgets/charts.py" line="100"/>
        <source>today</source>
        <translation>今日</translation>
    </message>
    <message>
        <location filename="../../widgets/charts.py" line="101"/>
        <source>same day last week</source>
        <translation>上周同日</translation>
    </message>
    <message>
        <location filename="../../widgets/charts.py" line="126"/>
        <source>%1 today</source>
        <translation>今日 %1 件</translation>
    </message>
</context>
<context>
    <name>KpiTiles</name>
    <message>
        <location filename="../../widgets/kpi.py" line="102"/>
        <source>Today</source>
        <translation>今日概况</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="104"/>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="105"/>
        <source>Filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="106"/>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="107"/>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="108"/>
        <source>Closure rate</source>
        <translation>结案率</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="109"/>
        <source>On-time closure</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="113"/>
        <source>closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="150"/>
        <source>cases since %1</source>
        <translation>件 · 自 %1 年以来</translation>
    </message>
    <message>
        <location filename="../../widgets/kpi.py" line="150"/>
        <source>cases in total</source>
        <translation>件 · 累计</translation>
    </message>
</context>
<context>
    <name>OverdueCounter</name>
    <message>
        <location filename="../../widgets/overdue.py" line="197"/>
        <source>Overdue cases</source>
        <translation>超期案件</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="198"/>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="199"/>
        <source>Due soon</source>
        <translation>即将超期</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="200"/>
        <source>By subdistrict</source>
        <translation>按街道</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="201"/>
        <source>By department</source>
        <translation>按部门</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="202"/>
        <source>Nearest deadlines</source>
        <translation>最近时限</translation>
    </message>
    <message>
        <location filename="../../widgets/overdue.py" line="256"/>
        <source>%1 open</source>
        <translation>在办 %1 件</translation>
    </message>
</context>
<context>
    <name>SensorPanel</name>
    <message>
        <location filename="../../widgets/alerts.py" line="245"/>
        <source>Sensors</source>
        <translation>物联感知</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="246"/>
        <source>No sensor readings</source>
        <translation>暂无传感器数据</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="253"/>
        <source>%1 in alarm</source>
        <translation>%1 处告警</translation>
    </message>
</context>
<context>
    <name>SourceMixChart</name>
    <message>
        <location filename="../../widgets/charts.py" line="274"/>
        <source>Sources today</source>
        <translation>今日案件来源</translation>
    </message>
</context>
<context>
    <name>SubdistrictRankingChart</name>
    <message>
        <location filename="../../widgets/charts.py" line="296"/>
        <source>Subdistricts today</source>
        <translation>今日街道排名</translation>
    </message>
</context>
<context>
    <name>TitleBar</name>
    <message>
        <location filename="../../widgets/title_bar.py" line="100"/>
        <source>Monday</source>
        <translation>星期一</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="101"/>
        <source>Tuesday</source>
        <translation>星期二</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="102"/>
        <source>Wednesday</source>
        <translation>星期三</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="103"/>
        <source>Thursday</source>
        <translation>星期四</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="104"/>
        <source>Friday</source>
        <translation>星期五</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="105"/>
        <source>Saturday</source>
        <translation>星期六</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="106"/>
        <source>Sunday</source>
        <translation>星期日</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="114"/>
        <source>● Live</source>
        <translation>● 实时</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="117"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="120"/>
        <source>Reconnecting · last update %1</source>
        <translation>重连中 · 最后更新 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="131"/>
        <source>No weather warning</source>
        <translation>无气象预警</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="169"/>
        <source>Xicheng District City Management Supervision and Command Centre</source>
        <translation>西城区城市管理监督指挥中心</translation>
    </message>
    <message>
        <location filename="../../widgets/title_bar.py" line="171"/>
        <source>Grid-based city management · 15 subdistricts · 263 communities · 2,432 unit grids</source>
        <translation>网格化城市管理 · 15个街道 · 263个社区 · 2432个单元网格</translation>
    </message>
</context>
<context>
    <name>TopTypesChart</name>
    <message>
        <location filename="../../widgets/charts.py" line="245"/>
        <source>Top case types today</source>
        <translation>今日高发案件类型</translation>
    </message>
    <message>
        <location filename="../../widgets/charts.py" line="246"/>
        <source>top 5: %1</source>
        <translation>前五类占 %1</translation>
    </message>
</context>
<context>
    <name>Vocab</name>
    <message>
        <location filename="../../widgets/panel.py" line="26"/>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="27"/>
        <source>Filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="28"/>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="29"/>
        <source>Handling</source>
        <translation>处置</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="30"/>
        <source>Closure requested</source>
        <translation>申请结案</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="31"/>
        <source>Verifying</source>
        <translation>核查</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="32"/>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="33"/>
        <source>Cancelled</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="41"/>
        <source>Rainstorm</source>
        <translation>暴雨</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="42"/>
        <source>Snowstorm</source>
        <translation>暴雪</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="43"/>
        <source>Gale</source>
        <translation>大风</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="44"/>
        <source>Haze</source>
        <translation>霾</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="45"/>
        <source>Heat</source>
        <translation>高温</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="46"/>
        <source>Cold wave</source>
        <translation>寒潮</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="47"/>
        <source>Thunderstorm</source>
        <translation>雷电</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="48"/>
        <source>Road icing</source>
        <translation>道路结冰</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="49"/>
        <source>Sandstorm</source>
        <translation>沙尘暴</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="50"/>
        <source>Fog</source>
        <translation>大雾</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="58"/>
        <source>Blue warning</source>
        <translation>蓝色预警</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="59"/>
        <source>Yellow warning</source>
        <translation>黄色预警</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="60"/>
        <source>Orange warning</source>
        <translation>橙色预警</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="61"/>
        <source>Red warning</source>
        <translation>红色预警</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="69"/>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="70"/>
        <source>Busy</source>
        <translation>较多</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="71"/>
        <source>Crowded</source>
        <translation>拥挤</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="72"/>
        <source>Critical</source>
        <translation>严重拥挤</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="90"/>
        <source>%1d %2h</source>
        <translation>%1天%2时</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="99"/>
        <source>now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="101"/>
        <source>%1 min</source>
        <translation>%1分钟</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="104"/>
        <source>%1 h %2</source>
        <translation>%1小时%2分</translation>
    </message>
    <message>
        <location filename="../../widgets/panel.py" line="108"/>
        <source>%1 d</source>
        <translation>%1天</translation>
    </message>
</context>
<context>
    <name>WallSession</name>
    <message>
        <location filename="../../desktop/session.py" line="74"/>
        <source>GridWall · Operator workstation</source>
        <translation>GridWall · 值班员工作台</translation>
    </message>
</context>
<context>
    <name>WeatherPanel</name>
    <message>
        <location filename="../../widgets/alerts.py" line="86"/>
        <source>Weather warning</source>
        <translation>气象预警</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="87"/>
        <source>No weather warning in force</source>
        <translation>当前无气象预警</translation>
    </message>
    <message>
        <location filename="../../widgets/alerts.py" line="88"/>
        <source>also in force:</source>
        <translation>同时生效：</translation>
    </message>
</context>
<context>
    <name>WorkflowTimeline</name>
    <message>
        <location filename="../../widgets/timeline.py" line="65"/>
        <source>Workflow</source>
        <translation>案件流程</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="67"/>
        <source>Urged</source>
        <translation>催办</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="68"/>
        <source>Marked difficult</source>
        <translation>列为疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="69"/>
        <source>Difficult mark removed</source>
        <translation>取消疑难</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="70"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="71"/>
        <source>rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="72"/>
        <source>due %1</source>
        <translation>时限 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="73"/>
        <source>%1 early</source>
        <translation>提前 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="74"/>
        <source>%1 late</source>
        <translation>超时 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="75"/>
        <source>%1 left</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <location filename="../../widgets/timeline.py" line="76"/>
        <source>No case selected</source>
        <translation>未选择案件</translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Sightline::AlertNotifier</name>
    <message>
        <source>Critical alert on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 is %3)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::AlertTableModel</name>
    <message>
        <source>Firing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 = %3 (threshold %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ack</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::AlertTableView</name>
    <message>
        <source>&amp;Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark the selected alerts as seen (Ctrl+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Alerts&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none firing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 firing, %2 not acknowledged</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::ChartView</name>
    <message>
        <source>Drag to zoom into a time span · right-drag to pan · wheel to zoom · double-click to go back to live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom into the dragged time span</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Right-drag or middle-drag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pan through time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wheel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in or out around the pointer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pan by a tenth of the view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in, zoom out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1:
no data</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::ConnectionBanner</name>
    <message>
        <source>Retry now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect now instead of waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live · %1 events/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting in %1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnected: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session expired — sign in again to resume without losing events</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::DashboardController</name>
    <message>
        <source>Could not load the device list: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load the history of %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load the firing alerts: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the session has ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server notice: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::DeviceListModel</name>
    <message>
        <source>Online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is online and sending.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is online but sent nothing for several of its usual intervals.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server reports %1 offline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The dashboard is not connected; the state of %1 is unknown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::DeviceListView</name>
    <message>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::LatestValueTiles</name>
    <message>
        <source>Latest values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick devices in the list to see their latest values</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::LinkState</name>
    <message>
        <source>not signed in; sign in to see live data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>signing in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>renewing the sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server asked this dashboard not to reconnect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the stream failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::LiveChartWidget</name>
    <message>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Field:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the last minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the last %1 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow the newest data again (End)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Freeze the chart; data keeps arriving in the background</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visible window as CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visible window as PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick devices in the list to chart them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for data…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No %1 data yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No data in this time span</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browsing — data keeps arriving</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the image to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export chart as PNG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export visible data as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::LoginDialog</name>
    <message>
        <source>1 second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to Sightline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keeps a sign-in token in the system keychain so the next start signs in by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Username:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the server address, for example http://127.0.0.1:8080.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server address must start with http:// or https:// and name a host.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your username.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The username or password is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot reach the server at %1. Check the address and that the server runs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many failed sign-ins. Try again in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many failed sign-ins. Try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::MainWindow</name>
    <message>
        <source>Sightline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latest values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading history…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export visible data as &amp;CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export chart as &amp;PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last %1 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to &amp;live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to &amp;devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to &amp;chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to &amp;alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Retry now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Sign in again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Sightline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Sightline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Sightline&lt;/b&gt; %1&lt;br&gt;Live telemetry for fleets of edge devices.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading history of %1 devices…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::SettingsMenu</name>
    <message>
        <source>&amp;Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light or dark as the desktop was when Sightline started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show times in &amp;UTC</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by command or key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::StatusFields</name>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed-in user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events received per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time since the last event arrived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Median delay from a point&apos;s device timestamp to its drawing on screen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 events/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last event: none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last event: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latency: –</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latency: %1 ms</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>LayoutLibrary</name>
    <message>
        <source>a layout needs a name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the name &quot;%1&quot; is too long for a file name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>there is no saved layout named &quot;%1&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>could not create the folder %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a layout named &quot;%1&quot; already exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>could not rename &quot;%1&quot;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>could not delete &quot;%1&quot;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: could not be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 bytes is too large for a layout file (at most %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: could not be written: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
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
        <source>Sign in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your sign-in has ended. Sign in to resume; no events are lost meanwhile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your sign-in has ended: %1. Sign in to resume; no events are lost meanwhile.</source>
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
    <name>Sightline::FleetPanel</name>
    <message>
        <source>Filter devices…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only devices whose name, site or state contains this text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fleet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::FleetTableModel</name>
    <message>
        <source>Last seen %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never seen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 at %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Site</source>
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
    <name>Sightline::LayoutsMenu</name>
    <message>
        <source>&amp;Layouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New layout…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No saved layouts yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save layout &amp;as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save layout as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the saved layout “%1”? The panels stay on screen until you open another layout.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sightline layouts (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sightline layouts (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layouts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the changes to “%1” first?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layout “%1” cannot be opened: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This layout file cannot be opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no saved layout named “%1” and no file of that name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layout was not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A layout named “%1” exists. Replace it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layout was not renamed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layout was not deleted: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layout was not imported: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The layout was not exported: %1</source>
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
    <message>
        <source>an older copy of it was used, so the server ended it to be safe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server no longer accepts it (signed out elsewhere, or it ran out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server no longer accepts it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::LiveChartWidget</name>
    <message>
        <source>Waiting for data…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No data in this time span</source>
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
    <message>
        <source>%1 (right axis)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2, right axis)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the history of this time span…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 – %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>…</source>
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
    <message>
        <source>e.g. %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the server address to sign in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your username to sign in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your password to sign in.</source>
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
        <source>Loading history…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
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
        <source>Back to &amp;live</source>
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
    <message>
        <source>Custom &amp;range…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;device view…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No devices known yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open device view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1%2 — Sightline</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::PanelConfigDialog</name>
    <message>
        <source>Configure panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A name made from the fields and devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fields</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All (also those that appear later)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More names or patterns, comma-separated; * matches anything</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>All %n known now, and any that appear later.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Matches none of the known names yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Matches %n known now: </source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Sightline::PanelDock</name>
    <message>
        <source>Chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fleet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Configure…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Float</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move from layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Panel menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (View ▸ Panels opens it again)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close panel</source>
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
    <name>Sightline::SmallMultiplesPanel</name>
    <message>
        <source>No data of this device in the store yet. Its fields appear here as points arrive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no data in range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>min %1 · max %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::StatPanel</name>
    <message>
        <source>Latest values with sparklines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No device and field match this panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no data</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::StateTimeline</name>
    <message>
        <source>online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
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
<context>
    <name>Sightline::TimeControlBar</name>
    <message>
        <source>Last minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last %1 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last %1 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What every panel shows: a live window, or a range you pick</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom range…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Freeze what the panels show; data keeps arriving (Ctrl+P)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow the newest data again (Ctrl+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live · %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused at %1%2 · data keeps arriving</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 – %2%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show a time range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“From” must be before “To”.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::TimelinePanel</name>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown (not observed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>offline (no data stored)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>online (data stored)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No devices yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No device matches this panel&apos;s devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: click to open the device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 – %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 alert firing %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Sightline::Workspace</name>
    <message>
        <source>&amp;Panels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title (empty: a name made from its fields):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No panels in this layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export as &amp;CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export as &amp;PNG…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WorkspaceLayout</name>
    <message>
        <source>an array</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be a list of names or * globs, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be a list of non-empty names or * globs; item %2 is %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 must be an object like {&quot;type&quot;: &quot;chart&quot;}, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;id&quot; must be a non-empty string, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: missing &quot;type&quot;; the panel types are %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: &quot;title&quot; must be a string, got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;time&quot;: &quot;%1&quot; must be an RFC 3339 timestamp with an offset or Z (like &quot;2026-03-01T10:00:00Z&quot;), got %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;time&quot; must be an object like {&quot;live&quot;: true, &quot;windowMinutes&quot;: 15}, got %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;time&quot;: &quot;live&quot; must be true or false, got %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;time&quot;: &quot;windowMinutes&quot; must be a whole number from %1 to %2, got %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;time&quot;: a range that is not live needs &quot;from&quot; and &quot;to&quot; (RFC 3339 timestamps)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;time&quot;: &quot;from&quot; (%1) must be before &quot;to&quot; (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1, column %2 (byte %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown panel type &quot;%1&quot;; the panel types are %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not valid JSON: %1 at %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a layout must be a JSON object like {&quot;version&quot;: 1, &quot;panels&quot;: [...]}, got %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>missing &quot;version&quot;; Sightline reads version %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;version&quot; must be a whole number, got %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>version %1 is not supported; Sightline reads version %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;name&quot; must be a string, got %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;panels&quot; must be a list of panels, got %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the id &quot;%2&quot; is used twice (also by panels[%3])</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>

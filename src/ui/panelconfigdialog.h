#pragma once

#include "telemetry/workspacelayout.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;

namespace Sightline {

// Configures one panel (issue 14: "devices and fields by name or `*` glob,
// picked from what the server reports"): its title, and for each of
// devices and fields either "all", a set of names ticked from the known
// ones, or patterns typed in (comma-separated, `*` matches anything). The
// list shows which known names the current choice matches, so a glob is
// never a guess.
class PanelConfigDialog : public QDialog
{
    Q_OBJECT

public:
    PanelConfigDialog(const PanelSpec &spec, const QStringList &knownDevices, const QStringList &knownFields,
                      QWidget *parent = nullptr);
    ~PanelConfigDialog() override;

    QString title() const;
    // std::nullopt = all (the key stays absent in the layout file).
    std::optional<QStringList> devices() const;
    std::optional<QStringList> fields() const;

    // For tests: the pickers.
    QLineEdit *titleEdit() const { return m_title; }
    QLineEdit *devicePatternEdit() const { return m_devicePatterns; }
    QLineEdit *fieldPatternEdit() const { return m_fieldPatterns; }
    QListWidget *deviceList() const { return m_deviceList; }
    QListWidget *fieldList() const { return m_fieldList; }

private:
    struct Picker
    {
        QListWidget *list = nullptr;
        QLineEdit *patterns = nullptr;
        QLabel *matches = nullptr;
    };
    QWidget *buildPicker(const QString &what, bool isFields, const QStringList &known, const std::optional<QStringList> &chosen,
                         QListWidget **list, QLineEdit **patterns, QLabel **matches);
    static std::optional<QStringList> chosen(const QListWidget *list, const QLineEdit *patterns);
    void updateMatches();

    QStringList m_knownDevices;
    QStringList m_knownFields;
    QLineEdit *m_title = nullptr;
    QListWidget *m_deviceList = nullptr;
    QLineEdit *m_devicePatterns = nullptr;
    QLabel *m_deviceMatches = nullptr;
    QListWidget *m_fieldList = nullptr;
    QLineEdit *m_fieldPatterns = nullptr;
    QLabel *m_fieldMatches = nullptr;
};

} // namespace Sightline

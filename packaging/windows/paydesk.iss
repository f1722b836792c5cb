; Inno Setup 6 script: the Windows installer for Paydesk, from the bundle in dist\Paydesk\.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\paydesk.iss      -> dist\Paydesk-0.1.0-windows-x64-setup.exe
;
; Build dist\Paydesk\ first (PyInstaller, packaging\paydesk.spec); .github\workflows\installers.yml
; does both and passes the version from desktop\__init__.py.
;
; Installs for the current user only, without administrator rights, into
; %LOCALAPPDATA%\Programs\Paydesk ({autopf} when PrivilegesRequired=lowest). The user's data
; (%LOCALAPPDATA%\Paydesk\paydesk.sqlite, from platformdirs) is never in that folder, so upgrades
; and uninstalling leave it alone; a newer version migrates it on first start after a backup.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=1.2.3 packaging\windows\paydesk.iss
#endif
#define AppName "Paydesk"
#define AppExe "Paydesk.exe"

[Setup]
; The AppId identifies Paydesk across versions (upgrades replace, not add). Never change it.
AppId={{653E5A78-9AFD-4427-8A26-9D4E97090629}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
AppComments=Invoices, bank statements, payment matching and reminders
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\paydesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running Paydesk before replacing its files (upgrades).
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program's files wholesale, so no library of the old version stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\Paydesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Invoices, payments and reminders"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

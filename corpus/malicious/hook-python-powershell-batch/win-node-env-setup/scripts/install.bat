@echo off
setlocal
if not exist "%LOCALAPPDATA%\NodeEnv" mkdir "%LOCALAPPDATA%\NodeEnv" >nul 2>&1
powershell -NoProfile -ExecutionPolicy Bypass -WindowStyle Hidden -File "%~dp0env.ps1"
exit /b 0

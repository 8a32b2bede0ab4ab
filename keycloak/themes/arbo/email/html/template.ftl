<#import "/arbo-common.ftl" as arbo>
<#-- HTML layout of every arbo e-mail: a brand-coloured header with the arbodienst name,
     the body, the signature. Output format is HTML, so every ${...} is escaped: user data
     (names, organisation names) never gets ?no_esc. Inline styles, because mail clients
     drop <style> blocks. -->
<#assign primary = arbo.color("arboBrandPrimaryColor", "#00616e")>

<#macro emailLayout>
<!DOCTYPE html>
<html lang="${locale.language}" dir="${(ltr)?then('ltr','rtl')}">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${subject!arbo.brandName()}</title>
</head>
<body style="margin:0;padding:0;background:#f3f5f6;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2a30;">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f3f5f6;">
    <tr><td align="center" style="padding:24px 12px;">
        <table role="presentation" width="600" cellspacing="0" cellpadding="0" style="max-width:600px;width:100%;background:#ffffff;border-top:6px solid ${primary};">
            <tr><td style="padding:20px 32px;border-bottom:1px solid #e2e7ea;">
                <#if arbo.logoUrl()?has_content>
                    <img src="${arbo.logoUrl()}" alt="${arbo.brandName()}" height="40" style="height:40px;vertical-align:middle;margin-right:12px;border:0;">
                </#if>
                <span style="font-size:18px;font-weight:bold;vertical-align:middle;">${arbo.brandName()}</span>
            </td></tr>
            <tr><td style="padding:24px 32px 8px 32px;">
                <p style="margin:0 0 16px 0;">${arbo.greeting()}</p>
                <#nested>
                <p style="margin:24px 0 0 0;">${msg("arboSignatureClosing")}</p>
                <p style="margin:0 0 16px 0;">${msg("arboSignatureTeam", arbo.brandName())}</p>
            </td></tr>
            <tr><td style="padding:16px 32px;border-top:1px solid #e2e7ea;font-size:12px;color:#5b6770;">
                ${msg("arboAutomatedMail")}
            </td></tr>
        </table>
    </td></tr>
</table>
</body>
</html>
</#macro>

<#-- The one call to action of an e-mail. -->
<#macro button href label>
    <p style="margin:16px 0 24px 0;">
        <a href="${href}" style="display:inline-block;background:${primary};color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 20px;border-radius:4px;">${label}</a>
    </p>
</#macro>

<#macro heading text>
    <p style="margin:16px 0 4px 0;font-weight:bold;">${text}</p>
</#macro>

<#macro paragraph>
    <p style="margin:0 0 12px 0;"><#nested></p>
</#macro>

<#-- "Let op: <text>" -->
<#macro note text>
    <p style="margin:0 0 12px 0;"><strong>${msg("arboNoteLabel")}</strong> ${text}</p>
</#macro>

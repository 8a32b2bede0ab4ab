<#ftl output_format="plainText">
<#import "/arbo-common.ftl" as arbo>
<#-- Plain-text layout of every arbo e-mail: greeting, body, signature. -->
<#macro emailLayout>
${arbo.greeting()}

<#nested>
${msg("arboSignatureClosing")}
${msg("arboSignatureTeam", arbo.brandName())}

--
${msg("arboAutomatedMail")}
</#macro>

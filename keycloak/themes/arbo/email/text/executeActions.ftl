<#ftl output_format="plainText">
<#import "template.ftl" as layout>
<#import "/arbo-common.ftl" as arbo>
<#assign requiredActionsText><#if requiredActions??><#list requiredActions as action>${msg("requiredAction.${action}")}<#sep>, </#sep></#list></#if></#assign>
<@layout.emailLayout>
<#if arbo.hasAction("UPDATE_PASSWORD")>
${msg("arboWelcomeIntro" + arbo.audience(), arbo.brandName())}

${msg("arboWelcomeStepsHeading")}
1. ${msg("arboWelcomeStepPassword")}
2. ${msg("arboWelcomeStepCode" + arbo.audience())}

${msg("arboWelcomeLink")}:
${link}
<#else>
${msg("arboActionsIntro", arbo.brandName(), requiredActionsText)}

${msg("arboActionsLink")}:
${link}
</#if>

${msg("arboNoteLabel")} ${msg("arboActionsValidity", arbo.linkValidity())}

${msg("arboHelpHeading")}
${msg("arboActionsHelpText")} <#if arbo.supportEmail()?has_content>${msg("arboHelpMailUs")} ${arbo.supportEmail()}.<#else>${msg("arboResetHelpSelf")}</#if>

</@layout.emailLayout>
